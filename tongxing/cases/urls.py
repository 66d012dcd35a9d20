from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/plan/", views.case_plan, name="case-plan"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case-reopen"),
    path("cases/<int:pk>/next/", views.case_next_action, name="case-next"),
    path("cases/<int:pk>/involvements/", views.case_involvement, name="case-involvement"),
    path("cases/<int:pk>/collaborations/", views.case_collaboration, name="case-collaboration"),
    path("cases/<int:pk>/members/", views.case_member, name="case-member"),
    path("cases/<int:pk>/members/search/", views.case_member_search, name="case-member-search"),
    path("cases/<int:pk>/merge/", views.case_merge, name="case-merge"),
    path("approvals/", views.approval_queue, name="approvals"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval"),
]

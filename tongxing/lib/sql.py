"""SQL expressions the counting engine and the permission scopes share."""

from django.db.models import BooleanField, Func, QuerySet, Subquery


class InList(Func):
    """`expression IN (queryset)`: an uncorrelated list is computed once per query on both databases, a correlated
    one once per outer row, and either drives an index lookup on `expression`'s column.

    Inside a correlated subquery PostgreSQL would pull a plain IN into a join re-planned for every outer row;
    `= ANY(ARRAY(...))` keeps it a list built once.
    """

    output_field = BooleanField()

    def __init__(self, expression, values):
        """`values`: a queryset, or an expression compiling to a parenthesised SELECT."""
        super().__init__(expression, Subquery(values) if isinstance(values, QuerySet) else values)

    def as_sql(self, compiler, connection, **extra_context):
        (lhs, lhs_params), (rhs, rhs_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (lhs, lhs_params), (rhs, rhs_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)

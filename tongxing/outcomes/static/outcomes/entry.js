// Typing paper forms: a digit key on an item chooses that answer and moves to the next item.
document.addEventListener("keydown", function (event) {
  var set = event.target.closest && event.target.closest("fieldset[data-item]");
  if (!set || !/^[0-9]$/.test(event.key)) return;
  var radio = set.querySelector('input[type=radio][value="' + event.key + '"]');
  if (!radio) return;
  event.preventDefault();
  radio.checked = true;
  var sets = Array.prototype.slice.call(document.querySelectorAll("fieldset[data-item]"));
  var next = sets[sets.indexOf(set) + 1];
  var target = next ? (next.querySelector("input:checked") || next.querySelector("input")) : document.getElementById("save");
  target.focus();
});

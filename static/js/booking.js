// A choice made before htmx had wired the form (a tap while a slow phone was still loading the
// page) was never sent, and the next list stayed disabled: once the form is wired, send it.
htmx.onLoad(function (content) {
  var form = content.id === "booking" ? content : content.querySelector("#booking");
  if (!form) return;
  var changed = Array.prototype.find.call(form.querySelectorAll("select.choice"), function (select) {
    var initial = Array.prototype.find.call(select.options, function (option) {
      return option.defaultSelected;
    }) || select.options[0];
    return select.selectedOptions[0] !== initial;
  });
  if (changed) changed.dispatchEvent(new Event("change"));
});

/* Analytics: choosing another data set reloads the explorer with that data set's columns (the "Choose" button
   does the same without JavaScript). No inline handlers: the CSP forbids them. */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
    field.form.submit();
  }
});

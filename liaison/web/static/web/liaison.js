// Behaviour of the page shell. No inline script anywhere: the Content-Security-Policy
// allows scripts from this node's static files only.
document.addEventListener("DOMContentLoaded", function () {
  var language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () {
      language.form.submit();
    });
  }
});

// Swagger UI of the API (templates/api/docs.html): kept out of the page because the CSP allows
// no inline script. swagger-ui/ holds swagger-ui-dist 5.35.0, as published on npm.
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    // The default validator is a badge loaded from swagger.io: our CSP forbids other hosts.
    validatorUrl: null,
  });
})();

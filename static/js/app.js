// socialvalue front-end entry point.
//
// Load with:  <script type="module" src="{% static 'js/app.js' %}" nonce="{{ csp_nonce }}"></script>
// at the end of <body>. GOV.UK Frontend 6 ships only as an ES module
// (govuk-frontend.min.js ends in `export { ... initAll ... }`), and browsers
// that cannot run modules ignore type="module", so they get the no-JS
// experience - the same check GOV.UK's inline `'noModule' in
// HTMLScriptElement.prototype` snippet makes. The CSP forbids inline scripts,
// so the body classes that snippet sets are added here instead.
//
// The import is relative to this file so it works whatever STATIC_URL is.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()

// Printing keeps what a closed <details> holds (definitions, longer lists): each is opened
// for printing and closed again afterwards. The print stylesheet asks the same of browsers
// that can style ::details-content; this covers those that cannot.
window.addEventListener('beforeprint', () => {
  for (const details of document.querySelectorAll('details:not([open])')) {
    details.open = true
    details.dataset.openedForPrint = ''
  }
})
window.addEventListener('afterprint', () => {
  for (const details of document.querySelectorAll('details[data-opened-for-print]')) {
    details.open = false
    delete details.dataset.openedForPrint
  }
})

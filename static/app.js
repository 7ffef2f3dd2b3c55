// alliance front-end entry point, loaded at the end of <body> with
// <script type="module" src="/static/app.js">. It replaces the inline script
// in the GOV.UK Frontend page template, which our Content-Security-Policy
// (script-src 'self') would block.
//
// Imports are evaluated before this module's body runs; govuk-frontend.min.js
// only defines things when evaluated, so the classes are in place before
// initAll() checks for govuk-frontend-supported.
import { initAll } from './govuk-frontend.min.js'

document.body.className +=
  ' js-enabled' +
  ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')

initAll()

// The skip link puts #main-content in the address. A form with no action posts to the
// address, fragment and all, so the page that answers jumps to <main> and takes focus
// away from its error summary (alphagov/govuk-frontend#4465). Such a form posts to the
// address without the fragment.
document.addEventListener('submit', (event) => {
  const form = event.target
  if (form instanceof HTMLFormElement && !form.getAttribute('action')) {
    form.setAttribute('action', window.location.pathname + window.location.search)
  }
}, true)

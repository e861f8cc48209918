// Bootstrap Italia loads its fonts from this path; they are embedded in the binary.
window.__PUBLIC_PATH__ = '/static/vendor/bootstrap-italia/fonts';

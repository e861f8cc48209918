// Sportello: register the SHA worker for ALTCHA's external build. The worker URL comes
// from this script tag's data-worker attribute, which carries the checksummed path.
(function () {
  var me = document.currentScript;
  var url = me && me.dataset.worker;
  if (!url || !globalThis.$altcha) return;
  ['SHA-256', 'SHA-384', 'SHA-512'].forEach(function (alg) {
    globalThis.$altcha.algorithms.set(alg, function () { return new Worker(url); });
  });
})();

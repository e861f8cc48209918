// The booth kiosk: live camera, guidance from the server several times a second,
// automatic capture when every check passes (or a button after a countdown), review of
// the crop, and the receipt. Frames are sent and forgotten; nothing is stored until the
// citizen confirms.
(function () {
  'use strict';
  var FRAME_SIDE = 640;      // preview frames: the longer side, in pixels
  var FRAME_GAP_MS = 250;    // at most four frames a second
  var READY_FRAMES = 2;      // consecutive good frames before the automatic capture
  var BUTTON_AFTER_MS = 15000;
  var RESET_AFTER_MS = 90000;

  var $ = function (id) { return document.getElementById(id); };
  var video = $('booth-video');
  var canvas = document.createElement('canvas');
  var state = 'live', readyCount = 0, liveSince = 0, pending = null, resetTimer = null;

  function show(section) {
    ['booth-live', 'booth-review', 'booth-receipt'].forEach(function (id) { $(id).hidden = id !== section; });
  }
  function say(it, en, detail, ready) {
    $('guide-it').textContent = it || '';
    $('guide-en').textContent = en || '';
    $('guide-detail').textContent = detail || '';
    $('guide-it').classList.toggle('ready', !!ready);
  }
  function fail(msg) {
    var e = $('booth-error');
    e.textContent = msg;
    e.hidden = false;
  }
  function snapshot(maxSide, quality) {
    var w = video.videoWidth, h = video.videoHeight;
    var scale = maxSide ? Math.min(1, maxSide / Math.max(w, h)) : 1;
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) { canvas.toBlob(resolve, 'image/jpeg', quality); });
  }
  function post(url, body, type) {
    return fetch(url, { method: 'POST', body: body, credentials: 'same-origin',
      headers: { 'Content-Type': type, 'Accept': 'application/json' } });
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  async function guideLoop() {
    while (state === 'live') {
      var t0 = performance.now();
      try {
        var blob = await snapshot(FRAME_SIDE, 0.85);
        var res = await post('/api/v1/booth/guidance', blob, 'image/jpeg');
        if (state !== 'live') return;
        if (res.ok) {
          var g = await res.json();
          if (g.ready) {
            readyCount++;
            say('Perfetto, stia fermo', 'Perfect, keep still', '', true);
            if (readyCount >= READY_FRAMES) { await capture(); return; }
          } else {
            readyCount = 0;
            var h = g.hints[0] || {};
            var second = g.hints[1];
            say(h.it, h.en, second ? second.it + ' · ' + second.en : (h.detail_it || ''), false);
          }
        } else if (res.status === 401) {
          fail('Cabina non registrata / Booth not registered'); return;
        }
      } catch (e) { /* a dropped frame: try the next one */ }
      // The manual button appears when guidance has not led to a photo for a while; the
      // page may shorten the wait with data-button-after (milliseconds).
      var after = Number(document.getElementById('booth').dataset.buttonAfter) || BUTTON_AFTER_MS;
      if (performance.now() - liveSince > after && $('booth-count').hidden) $('booth-shoot').hidden = false;
      await sleep(Math.max(0, FRAME_GAP_MS - (performance.now() - t0)));
    }
  }

  async function countdownAndCapture() {
    $('booth-shoot').hidden = true;
    var c = $('booth-count');
    c.hidden = false;
    for (var i = 3; i > 0; i--) { c.textContent = i; await sleep(1000); }
    c.hidden = true;
    await capture();
  }

  async function capture() {
    if (state !== 'live') return;
    state = 'capturing';
    say('Un momento…', 'One moment…', '', true);
    var blob = await snapshot(0, 0.92);
    var res = await post('/api/v1/booth/capture', blob, 'image/jpeg');
    var v = res.ok ? await res.json() : { ok: false, hints: [] };
    $('review-crop').src = v.crop || '';
    $('review-crop').hidden = !v.crop;
    var list = $('review-hints');
    list.textContent = '';
    (v.hints || []).forEach(function (h) {
      var li = document.createElement('li');
      li.textContent = h.it + ' · ' + h.en;
      list.appendChild(li);
    });
    $('review-title').textContent = v.ok ? 'Ecco la sua foto · Here is your photo' : 'Foto da rifare · Please take it again';
    pending = v.ok ? v.pending : null;
    $('booth-confirm').hidden = !v.ok;
    state = 'review';
    show('booth-review');
    // A person who walks away must not leave their photo on the screen.
    clearTimeout(resetTimer);
    resetTimer = setTimeout(done, RESET_AFTER_MS);
  }

  async function confirm() {
    if (!pending) return;
    clearTimeout(resetTimer);
    $('booth-confirm').disabled = true;
    var res = await post('/api/v1/booth/confirm', JSON.stringify({ pending: pending }), 'application/json');
    $('booth-confirm').disabled = false;
    pending = null;
    if (!res.ok) { fail('Foto non salvata: la rifaccia / Photo not saved: please retake it'); restart(); return; }
    var r = await res.json();
    $('receipt-code').textContent = r.code;
    $('receipt-crop').src = r.crop;
    $('receipt-barcode').src = r.barcode;
    $('receipt-expires').textContent = r.expires;
    $('receipt-pdf').href = r.receipt_pdf;
    state = 'receipt';
    show('booth-receipt');
    resetTimer = setTimeout(done, RESET_AFTER_MS);
  }

  // done clears the screen for the next person: the code and photo must not linger.
  function done() {
    clearTimeout(resetTimer);
    ['receipt-code', 'receipt-expires'].forEach(function (id) { $(id).textContent = ''; });
    ['receipt-crop', 'receipt-barcode', 'review-crop'].forEach(function (id) { $(id).removeAttribute('src'); });
    $('receipt-pdf').href = '#';
    restart();
  }

  function restart() {
    clearTimeout(resetTimer);
    state = 'live';
    readyCount = 0;
    liveSince = performance.now();
    $('booth-shoot').hidden = true;
    $('booth-error').hidden = true;
    show('booth-live');
    say('Si metta davanti alla fotocamera', 'Stand in front of the camera', '', false);
    guideLoop();
  }

  $('booth-shoot').addEventListener('click', countdownAndCapture);
  $('booth-confirm').addEventListener('click', confirm);
  $('booth-retake').addEventListener('click', restart);
  $('booth-done').addEventListener('click', done);
  $('receipt-print').addEventListener('click', function () { window.print(); });

  navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1080 }, facingMode: 'user' }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      return video.play();
    })
    .then(restart)
    .catch(function (e) { fail('Fotocamera non disponibile / Camera unavailable: ' + e.name); });
})();

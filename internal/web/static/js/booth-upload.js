// Camera capture on the upload page, for browsers with JavaScript and a camera: the
// photo taken is put into the same file field, and the same plain form sends it. Without
// JavaScript the page is the plain form.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var box = $('camera-box'), input = $('photo');
  if (!box || !input || !navigator.mediaDevices || !window.DataTransfer) return;
  var video = $('camera-video'), stream = null;
  $('camera-open').hidden = false;

  $('camera-open').addEventListener('click', function () {
    navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1440 }, facingMode: 'user' }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        box.hidden = false;
        $('camera-open').hidden = true;
        return video.play();
      })
      .catch(function (e) { $('camera-status').textContent = 'Fotocamera non disponibile / Camera unavailable (' + e.name + ')'; });
  });

  $('camera-shoot').addEventListener('click', function () {
    var c = document.createElement('canvas');
    c.width = video.videoWidth;
    c.height = video.videoHeight;
    c.getContext('2d').drawImage(video, 0, 0);
    c.toBlob(function (blob) {
      var dt = new DataTransfer();
      dt.items.add(new File([blob], 'fotocamera.jpg', { type: 'image/jpeg' }));
      input.files = dt.files;
      stream.getTracks().forEach(function (t) { t.stop(); });
      box.hidden = true;
      $('camera-status').textContent = 'Foto scattata: ora la invii / Photo taken: now send it';
    }, 'image/jpeg', 0.92);
  });
})();

/* "Use my location" on the appeal form: fills the place's latitude and longitude from
   the device's position (navigator.geolocation), which the person checks before sending.
   Progressive enhancement: without JavaScript, or without the permission, the fields are
   typed in; no map and nothing loaded from elsewhere. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var wrap = document.getElementById("locate-wrap");
  var status = document.getElementById("locate-status");
  if (!button || !wrap || !status || !("geolocation" in navigator)) {
    return;
  }
  wrap.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = button.getAttribute("data-finding");
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("f-latitude").value = position.coords.latitude.toFixed(6);
      document.getElementById("f-longitude").value = position.coords.longitude.toFixed(6);
      status.textContent = button.getAttribute("data-found");
      button.disabled = false;
    }, function () {
      status.textContent = button.getAttribute("data-failed");
      button.disabled = false;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
}());

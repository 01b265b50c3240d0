// Stores the browser's time zone in a cookie so that the server shows times in the viewer's zone.
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) {
    // Without Intl the portal's default zone is shown, named on the page.
  }
})();

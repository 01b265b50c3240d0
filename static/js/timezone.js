// Stores the browser's time zone in a cookie so that the server shows times in the viewer's zone.
// The cookie is written once, and again only when the browser's zone changes.
(function () {
  "use strict";
  function stored() {
    var match = document.cookie.match(/(?:^|;\s*)tz=([^;]*)/);
    try {
      return match ? decodeURIComponent(match[1]) : "";
    } catch (e) {
      return "";
    }
  }
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && stored() !== zone) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) {
    // Without Intl the portal's default zone is shown, named on the page.
  }
})();

// condis-edu offline: registers the site's service worker (site/sw.js, from web/sw.js) and tells the
// reader when a new version of the site is ready (docs/js/condis-offline.js, on every page).
//
// The first visit installs the worker in the background once the page has loaded (and Python, if
// the reader pressed Run at once, has started); from the next
// page load on, the site (and, after one Run, its Python runtime) works without a network. A
// rebuilt site installs beside the old one and waits: the banner offers "Reload", which activates
// it and reloads the page; otherwise it takes over once every tab of the site is closed.

const script = document.currentScript;
const UPDATE_EVERY_MS = 10 * 60 * 1000; // instant navigation never reloads: look for updates now and then

function root() {
  // This file is <site>/js/condis-offline.js, wherever the site is hosted.
  return new URL("..", script ? script.src : location.href);
}

function banner(registration) {
  if (document.querySelector(".condis-update")) return;
  const box = document.createElement("div");
  box.className = "condis-update";
  box.setAttribute("role", "status");
  box.style.cssText =
    "position:fixed;inset-inline-end:1rem;inset-block-end:1rem;z-index:10;display:flex;gap:.75rem;" +
    "align-items:center;padding:.6rem .9rem;border-radius:.3rem;box-shadow:0 2px 8px rgba(0,0,0,.3);" +
    "background:var(--md-default-fg-color,#333);color:var(--md-default-bg-color,#fff);font-size:.75rem";
  const text = document.createElement("span");
  text.textContent = "A new version of this site is ready.";
  const reload = document.createElement("button");
  reload.type = "button";
  reload.textContent = "Reload";
  reload.style.cssText = "font:inherit;font-weight:700;color:inherit;text-decoration:underline;cursor:pointer";
  reload.addEventListener("click", () => {
    reload.disabled = true;
    // The new worker activates, becomes this page's controller, and the page reloads from it.
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
    (registration.waiting || registration.installing)?.postMessage({ type: "condis-activate" });
  });
  box.append(text, reload);
  document.body.append(box);
}

function watchForUpdates(registration) {
  if (!registration) return; // registration refused without an error (some test harnesses do that)
  // A worker waiting behind the one that controls this page is a new version of the site.
  const offer = () => {
    if (registration.waiting && navigator.serviceWorker.controller) banner(registration);
  };
  const track = (next) => next?.addEventListener("statechange", () => next.state === "installed" && offer());
  offer();
  // The page's own navigation may have started an install before this script ran: follow it too.
  track(registration.installing);
  registration.addEventListener("updatefound", () => track(registration.installing));
  let checked = performance.now();
  const check = () => {
    if (performance.now() - checked < UPDATE_EVERY_MS) return;
    checked = performance.now();
    registration.update().catch(() => {}); // offline: nothing to compare with
  };
  if (window.document$?.subscribe) window.document$.subscribe(check);
}

function register() {
  navigator.serviceWorker
    .register(new URL("sw.js", root()).href)
    .then(watchForUpdates)
    .catch((error) => console.warn(`condis-edu: the offline copy is unavailable (${error.message || error})`));
}

/**
 * Register once the page is idle, and not while Python is starting: the install downloads and
 * stores about 2 MB, which on two cores would slow the reader's first Run down.
 */
function registerWhenIdle() {
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  idle(
    () => {
      const live = window.condisLive?.state?.();
      if (live && live.status === "loading") setTimeout(registerWhenIdle, 500);
      else register();
    },
    { timeout: 3000 },
  );
}

// Service workers need a secure context (https, or http on localhost / 127.0.0.1).
if ("serviceWorker" in navigator && window.isSecureContext) {
  if (document.readyState === "complete") registerWhenIdle();
  else window.addEventListener("load", registerWhenIdle, { once: true });
}

// For tests and the curious.
window.condisOffline = {
  ready: () => ("serviceWorker" in navigator ? navigator.serviceWorker.ready.then(() => true) : Promise.resolve(false)),
};

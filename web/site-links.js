// Links from Python output to pages of this site (condis_edu.rendering.site_link).
//
// Python cannot know where its output will be shown (a notebook page, the playground, a site served
// under a sub-path), so it writes the page's path from the site's root in data-condis-site-href.
// The build already rewrote static outputs' hrefs relative to their page; live outputs are resolved
// here, against the site's base URL, as soon as they appear and again when clicked.
import { siteURL } from "./lazy.js";

const SELECTOR = "a[data-condis-site-href]";

function resolve(a) {
  const href = siteURL(a.getAttribute("data-condis-site-href"));
  if (a.href !== href) a.href = href;
}

/** Resolve every site link inside `root` (and `root` itself). */
export function resolveSiteLinks(root) {
  if (!(root instanceof Element)) return;
  if (root.matches(SELECTOR)) resolve(root);
  for (const a of root.querySelectorAll(SELECTOR)) resolve(a);
}

let installed = false;

/** Keep every site link on the page resolved, including ones live cells add later. */
export function installSiteLinks() {
  if (installed) return;
  installed = true;
  resolveSiteLinks(document.body);
  document.addEventListener(
    "click",
    (event) => {
      const a = event.target instanceof Element ? event.target.closest(SELECTOR) : null;
      if (a) resolve(a);
    },
    true,
  );
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) resolveSiteLinks(node);
  }).observe(document.body, { childList: true, subtree: true });
}

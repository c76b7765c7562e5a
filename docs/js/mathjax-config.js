// MathJax 4 loads its fonts from a CDN by default; point it at the copy vendored into the site.
window.MathJax = { loader: { paths: { fonts: new URL("js/mathjax-fonts", __md_scope).href } } };

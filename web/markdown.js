// text/markdown outputs, rendered like Jupyter (GitHub-flavoured Markdown). Loaded on demand.
import { marked } from "marked";

marked.setOptions({ gfm: true, breaks: false });

window.CondisMarkdown = {
  render(source) {
    return marked.parse(source, { async: false });
  },
};

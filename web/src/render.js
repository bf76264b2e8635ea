// Turns a bot answer (a little markdown: **bold**, [links](https://...), "- " bullet lines) into
// safe DOM nodes. marked parses, DOMPurify sanitises with a short allow-list, and links are
// rebuilt so only http(s) links survive, each opening in a new tab without access to this page.
// Raw HTML in an answer is never interpreted: it is shown as the text it is.
import { Marked } from "marked";
import createDOMPurify from "dompurify";

const ALLOWED_TAGS = ["p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "del", "blockquote"];
const SAFE_PROTOCOLS = new Set(["http:", "https:"]);

function escapeHtml(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  renderer: {
    // Raw HTML (block or inline) is shown as text, never rendered.
    html({ text }) {
      return escapeHtml(text);
    },
    // No remote images (they would tell a third party who is reading): show the alt text.
    image({ text }) {
      return escapeHtml(text || "");
    },
  },
});

let purifier = null;
function getPurifier() {
  if (!purifier) {
    purifier = createDOMPurify(window); // our own instance: hooks never touch the host page's
  }
  return purifier;
}

const LIST_LINE = /^\s*(?:[-*+]|\d{1,3}[.)])\s+\S/;
const ENDS_SENTENCE = /[.!?:](?:\*\*|\*|__|_|\)|"|'|”|’)*\s*$/;

/**
 * Answers are written in YAML with one sentence or bullet per line, sometimes wrapped mid-sentence.
 * Markdown would run every line together; this keeps the author's line breaks where a line ends
 * a sentence, and ends a bullet list before a plain line that follows it.
 */
export function prepareMarkdown(source) {
  const lines = String(source).replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const prev = i > 0 ? lines[i - 1] : null;
    if (prev !== null && prev.trim() && line.trim()) {
      const prevIsList = LIST_LINE.test(prev);
      const isList = LIST_LINE.test(line);
      if (prevIsList && !isList && !/^\s/.test(line) && ENDS_SENTENCE.test(prev)) {
        out.push(""); // a plain line after a finished bullet ends the list
      } else if (!prevIsList && !isList && ENDS_SENTENCE.test(prev)) {
        out[out.length - 1] = `${prev.replace(/\s+$/, "")}\\`; // markdown hard line break
      }
    }
    out.push(line);
  }
  return out.join("\n");
}

/** An absolute http(s) URL for href, resolved against base, or null when it is anything else. */
export function safeUrl(href, base) {
  if (typeof href !== "string" || !href.trim()) return null;
  let url;
  try {
    url = new URL(href.trim(), base);
  } catch (e) {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/**
 * A DocumentFragment for a bot answer. `base` resolves relative links (e.g. "/privacy.html")
 * against the widget's own server rather than the page that embeds it.
 */
export function renderMarkdown(source, base, doc = document) {
  const html = marked.parse(prepareMarkdown(source));
  const fragment = getPurifier().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href"],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
  const result = doc.importNode(fragment, true);
  for (const link of Array.from(result.querySelectorAll("a"))) {
    const href = safeUrl(link.getAttribute("href"), base);
    if (!href) {
      // Not a web link (javascript:, data:, tel: typed by an author, ...): keep only its words.
      link.replaceWith(doc.createTextNode(link.textContent || ""));
      continue;
    }
    decorateLink(link, href, doc);
  }
  return result;
}

/** Makes `link` open href in a new tab with no access back to this page. */
export function decorateLink(link, href, doc = document) {
  link.setAttribute("href", href);
  link.setAttribute("target", "_blank");
  link.setAttribute("rel", "noopener noreferrer");
  const hint = doc.createElement("span");
  hint.className = "sr-only";
  hint.textContent = " (opens in a new tab)";
  link.appendChild(hint);
  return link;
}

/**
 * Plain text of an answer for pasting into case records: bold marks dropped, each link written
 * as "words (address)".
 */
export function plainText(source, base) {
  return String(source)
    .replace(/\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (match, words, href) => {
      const url = safeUrl(href, base);
      if (!url) return words;
      return words && words !== href && words !== url ? `${words} (${url})` : url;
    })
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/__(.+?)__/g, "$1")
    .trim();
}

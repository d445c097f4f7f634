"""The page's stylesheet and script, passed to `launch()` (Gradio 6 takes them there, not in Blocks).

The script is the small hook that makes citation chips work: a click on `a.cite` writes
「paragraph:turn:nonce」 into the hidden `#cite-bridge` textbox, whose change event the server handles;
a click on 「在全文中查看」 (or a `#para-N` address on load) opens the report tab at that paragraph.
"""

from __future__ import annotations

import gradio as gr

CITE_BRIDGE_ID = "cite-bridge"
REPORT_TAB_ID = "tab-report"


def offline_theme() -> gr.themes.Base:
    """System fonts only: the default theme would fetch its fonts from a CDN."""
    return gr.themes.Default(primary_hue="blue", font=["system-ui", "sans-serif"], font_mono=["monospace"])


CSS = """
#header h1 { margin: 0; font-size: 1.5rem; }
#header p { margin: .15rem 0 0; color: var(--body-text-color-subdued); }
#input-note, #feedback-note { min-height: 0; }
#input-note p { color: var(--color-accent); margin: .25rem 0; }
a.cite {
  display: inline-block; margin: 0 .15em; padding: 0 .5em; border-radius: 999px;
  background: var(--color-accent-soft); color: var(--color-accent) !important;
  font-size: .85em; line-height: 1.6; text-decoration: none !important; white-space: nowrap; cursor: pointer;
}
a.cite:hover { background: var(--color-accent); color: white !important; }
.sources { display: block; font-size: .9em; color: var(--body-text-color-subdued); }
em.notice { color: var(--body-text-color-subdued); }
.source-panel { padding: .25rem .5rem; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  padding: .75rem 1rem; margin-bottom: .75rem; background: var(--background-fill-secondary); }
.source-card header { display: flex; gap: .75rem; align-items: baseline; margin-bottom: .5rem; }
.source-number { font-weight: 700; font-size: 1.05rem; }
.source-section { color: var(--body-text-color-subdued); }
.source-text { line-height: 1.8; margin: 0 0 .5rem; }
.source-text mark { background: #fde68a; color: inherit; padding: 0 .1em; border-radius: 2px; }
.footnotes { font-size: .85em; color: var(--body-text-color-subdued); }
.footnotes ul { margin: .25rem 0 .25rem 1rem; padding: 0; }
.panel-note { color: var(--body-text-color-subdued); }
a.in-context { font-size: .9em; }
.report-browser { max-height: 70vh; overflow-y: auto; padding: 0 .5rem; }
.report-browser h2 { font-size: 1.15rem; margin-bottom: 0; }
.report-symbol { color: var(--body-text-color-subdued); margin-top: .2rem; }
.report-browser h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.report-browser .para { line-height: 1.8; margin: 0 0 .75rem; padding: .25rem .4rem; border-radius: 6px;
  transition: background 1.5s; }
.report-browser .para-number { font-weight: 700; text-decoration: none; margin-right: .25rem; }
.report-browser .para.flash { background: #fde68a; transition: none; }
"""

JS = f"""
() => {{
  const bridgeId = "{CITE_BRIDGE_ID}";
  const reportTabId = "{REPORT_TAB_ID}";
  const sendToServer = (value) => {{
    const box = document.querySelector(`#${{bridgeId}} textarea, #${{bridgeId}} input`);
    if (!box) return false;
    box.value = value;
    box.dispatchEvent(new Event("input", {{ bubbles: true }}));
    return true;
  }};
  const reportTabButton = () => {{
    const panel = document.getElementById(reportTabId);
    const labelled = panel && panel.getAttribute("aria-labelledby");
    return (labelled && document.getElementById(labelled)) || document.getElementById(`${{reportTabId}}-button`);
  }};
  const openInReport = (anchor) => {{
    const button = reportTabButton();
    if (button) button.click();
    let frames = 0;
    const reveal = () => {{
      const target = document.getElementById(anchor);
      if (target && target.offsetParent !== null) {{
        target.scrollIntoView({{ block: "center" }});
        target.classList.add("flash");
        setTimeout(() => target.classList.remove("flash"), 1600);
        history.replaceState(null, "", `#${{anchor}}`);
      }} else if (frames++ < 120) {{
        requestAnimationFrame(reveal);
      }}
    }};
    requestAnimationFrame(reveal);
  }};
  document.addEventListener("click", (event) => {{
    const link = event.target.closest && event.target.closest("a.cite, a.in-context");
    if (!link) return;
    const match = (link.getAttribute("href") || "").match(/#(para-(\\d+))$/);
    if (!match) return;
    event.preventDefault();
    event.stopPropagation();
    if (link.classList.contains("in-context")) {{
      openInReport(match[1]);
      return;
    }}
    const turn = (link.className.match(/cite-turn-(\\d+)/) || [])[1] || "";
    if (!sendToServer(`${{match[2]}}:${{turn}}:${{Date.now()}}`)) openInReport(match[1]);
  }}, true);
  if (/^#para-\\d+$/.test(location.hash)) openInReport(location.hash.slice(1));
}}
"""

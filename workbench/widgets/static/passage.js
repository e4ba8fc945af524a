// Thread Workbench: a comment's text in which a coder selects a passage to code, with
// the passages already coded marked, and the coding app's keyboard shortcuts.
//
// Shipped inside the Python package and loaded by anywidget from the widget's own
// state: nothing is fetched from the network, so it works offline.
//
// Offsets are UTF-16 code units, as the browser counts them (an emoji such as 🏥 is
// two); the Python side converts them to string indices (workbench.coding.spans).
//
// Model traits: text (str), marks ([{start, end, color, label, pending}], UTF-16),
// selection ({start, end} or {}), shortcuts (bool: keys on). Messages sent to Python:
// {kind: "key", action: "next" | "previous" | "undo" | "clear" | "code:<digit>"}.

const ACTIONS = {
  ArrowRight: "next", n: "next", j: "next",
  ArrowLeft: "previous", p: "previous", k: "previous",
  u: "undo", Escape: "clear",
};

function offsetWithin(root, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(root);
  try {
    range.setEnd(node, offset);
  } catch (error) {
    return null;
  }
  return range.toString().length;
}

function draw(model, box) {
  const text = model.get("text") || "";
  const marks = (model.get("marks") || []).filter((m) => m.end > m.start);
  box.replaceChildren();
  if (!text) {
    const empty = document.createElement("i");
    empty.textContent = "(no text: deleted or removed on the platform)";
    empty.className = "wb-passage-empty";
    box.appendChild(empty);
    return;
  }
  const cuts = new Set([0, text.length]);
  for (const m of marks) {
    cuts.add(Math.max(0, Math.min(m.start, text.length)));
    cuts.add(Math.max(0, Math.min(m.end, text.length)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = document.createTextNode(text.slice(from, to));
    const over = marks.filter((m) => m.start <= from && m.end >= to);
    if (!over.length) {
      box.appendChild(piece);
      continue;
    }
    const mark = document.createElement("mark");
    mark.className = "wb-passage-mark" + (over.some((m) => m.pending) ? " wb-pending" : "");
    mark.style.background = over[over.length - 1].color || "#fff3a3";
    mark.style.borderBottom = over.length > 1 ? "3px double #333" : "2px solid rgba(0,0,0,0.45)";
    mark.style.borderRadius = "2px";
    mark.style.color = "inherit";
    if (over.some((m) => m.pending)) mark.style.outline = "1px dashed #8a6d3b";
    mark.title = over.map((m) => m.label + (m.pending ? " (not saved)" : "")).join("\n");
    mark.appendChild(piece);
    box.appendChild(mark);
  }
}

function render({ model, el }) {
  el.classList.add("wb-passage");
  const box = document.createElement("div");
  box.className = "wb-passage-text";
  box.style.whiteSpace = "pre-wrap";
  box.style.userSelect = "text";
  el.appendChild(box);
  draw(model, box);

  const report = () => {
    const selection = window.getSelection();
    const now = model.get("selection") || {};
    let next = {};
    // A selection reaching outside the comment (or none) codes no passage: clear the
    // last one, so the next code clicked never goes to a stale passage.
    if (selection && selection.rangeCount) {
      const range = selection.getRangeAt(0);
      if (box.contains(range.startContainer) && box.contains(range.endContainer)) {
        const start = offsetWithin(box, range.startContainer, range.startOffset);
        const end = offsetWithin(box, range.endContainer, range.endOffset);
        if (start !== null && end !== null && start !== end) {
          next = { start: Math.min(start, end), end: Math.max(start, end) };
        }
      }
    }
    if (now.start === next.start && now.end === next.end) return;
    model.set("selection", next);
    model.save_changes();
  };
  box.addEventListener("mouseup", report);
  box.addEventListener("keyup", report);
  box.addEventListener("touchend", report);

  const redraw = () => draw(model, box);
  const cleared = () => {
    const chosen = model.get("selection") || {};
    if (chosen.start === undefined) {
      const selection = window.getSelection();
      if (selection && selection.rangeCount && box.contains(selection.anchorNode)) {
        selection.removeAllRanges();
      }
    }
  };
  model.on("change:text", redraw);
  model.on("change:marks", redraw);
  model.on("change:selection", cleared);

  // The app is the nearest ancestor with the class workbench-coding; it takes focus
  // when clicked, so that keys pressed while working in it reach the handler below.
  let tries = 0;
  const focusable = () => {
    const app = el.closest(".workbench-coding");
    if (app) {
      if (!app.hasAttribute("tabindex")) app.tabIndex = 0;
    } else if (tries < 120) {
      tries += 1;
      requestAnimationFrame(focusable);
    }
  };
  focusable();

  const onKey = (event) => {
    if (!model.get("shortcuts")) return;
    const app = el.closest(".workbench-coding");
    if (!app || !(event.target instanceof Node) || !app.contains(event.target)) return;
    if (event.target instanceof Element &&
        event.target.closest("input, textarea, select, [contenteditable='true']")) return;
    let action = null;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "z") {
      action = "undo";
    } else if (event.ctrlKey || event.metaKey || event.altKey) {
      return; // the browser's and JupyterLab's own shortcuts
    } else if (/^[0-9]$/.test(event.key)) {
      action = "code:" + event.key;
    } else {
      action = ACTIONS[event.key] || null;
    }
    // Keep single keys away from JupyterLab's command mode (d d deletes a cell, Enter
    // edits it); shift+Enter still runs the cell.
    if (event.key.length === 1 || action || (event.key === "Enter" && !event.shiftKey)) {
      event.stopPropagation();
    }
    if (!action) return;
    event.preventDefault();
    model.send({ kind: "key", action });
  };
  document.addEventListener("keydown", onKey, true);

  return () => {
    document.removeEventListener("keydown", onKey, true);
    model.off("change:text", redraw);
    model.off("change:marks", redraw);
    model.off("change:selection", cleared);
  };
}

export default { render };

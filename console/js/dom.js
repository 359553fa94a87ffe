// Building DOM nodes without innerHTML: text from the API is always set as text, never parsed as markup.

/**
 * h("button", {type: "button", onclick: f, class: "primary"}, "Suivant")
 * Attributes: "class", "for" and data-/aria- names as given; functions named on* become listeners;
 * boolean true sets an empty attribute, false/null/undefined leaves it out.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "value" && "value" in node) {
      node.value = value;
    } else if (name === "checked" || name === "disabled" || name === "selected") {
      node[name] = Boolean(value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/**
 * A table that fits a narrow screen: there each row becomes a card whose cells carry their column's name
 * (data-label, kept up to date as rows are re-rendered), and what is still too wide scrolls sideways.
 */
export function scrollingTable(caption, table) {
  table.classList.add("stack");
  const label = () => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        [...row.cells].forEach((cell, i) => {
          if (heads[i] && cell.dataset.label !== heads[i]) cell.dataset.label = heads[i];
        });
      }
    }
  };
  label();
  new MutationObserver(label).observe(table, { childList: true, subtree: true });
  return h("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" }, table);
}

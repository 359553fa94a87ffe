// The frame around every screen: the application's name, the establishment, the menu, the language.

import { h, replaceChildren } from "../dom.js";
import { LANGUAGES, language, t } from "../i18n.js";
import { establishments, who } from "../session.js";

export const UAI_PATTERN = /^[0-9]{7}[A-Z]$/;

export function renderShell(header, { uai, section, signedIn, onLanguage, onEstablishment, onSignOut }) {
  const brand = h(
    "div",
    { class: "brand" },
    h("p", { class: "brand-title" }, t("app.title")),
    h("p", { class: "brand-subtitle" }, t("app.subtitle")),
  );
  const languagePicker = h(
    "div",
    { class: "field field-inline" },
    h("label", { for: "language" }, t("language.label")),
    h(
      "select",
      { id: "language", onchange: (event) => onLanguage(event.target.value) },
      LANGUAGES.map(([code, name]) => h("option", { value: code, selected: code === language(), lang: code }, name)),
    ),
  );
  const tools = h("div", { class: "tools" }, languagePicker);
  if (signedIn) {
    tools.append(
      h("p", { class: "who" }, who() ? t("signed.in.as", { who: who() }) : ""),
      h("button", { type: "button", class: "link-button", onclick: onSignOut }, t("signout")),
    );
  }
  // A link would change the route (#…): this button takes keyboard users past the menu to the screen.
  const skip = h(
    "button",
    { type: "button", class: "skip-link", onclick: () => document.getElementById("main").focus() },
    t("skip"),
  );
  const bar = h("div", { class: "top-bar" }, brand, tools);
  const rows = [skip, bar];
  if (signedIn) rows.push(establishmentForm(uai, onEstablishment), menu(uai, section));
  replaceChildren(header, rows);
}

function establishmentForm(uai, onEstablishment) {
  const known = establishments();
  const input = h("input", {
    id: "establishment",
    name: "establishment",
    list: "establishments",
    value: uai || (known.length === 1 ? known[0] : ""),
    autocomplete: "off",
    spellcheck: "false",
    inputmode: "text",
    "aria-describedby": "establishment-error",
    size: "10",
  });
  const error = h("p", { id: "establishment-error", class: "field-error", "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "establishment",
      onsubmit: (event) => {
        event.preventDefault();
        const value = input.value.trim().toUpperCase();
        if (!UAI_PATTERN.test(value)) {
          error.textContent = t("establishment.invalid");
          input.setAttribute("aria-invalid", "true");
          input.focus();
          return;
        }
        onEstablishment(value);
      },
    },
    h("label", { for: "establishment" }, t("establishment.label")),
    input,
    h("datalist", { id: "establishments" }, known.map((code) => h("option", { value: code }))),
    h("button", { type: "submit", class: "secondary" }, t("establishment.choose")),
    error,
  );
  return form;
}

function menu(uai, section) {
  const items = [
    ["import", "nav.manual"],
    ["history", "nav.history"],
    ["auto-import", "nav.auto"],
  ];
  return h(
    "nav",
    { class: "menu", "aria-label": t("nav.label") },
    h(
      "ul",
      {},
      items.map(([name, key]) =>
        h(
          "li",
          {},
          uai
            ? h("a", { href: `#/${uai}/${name}`, "aria-current": section === name ? "page" : null }, t(key))
            : h("span", { class: "menu-off" }, t(key)),
        ),
      ),
    ),
  );
}

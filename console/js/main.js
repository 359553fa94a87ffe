// The console's entry point: sign-in from the fragment, then one screen per route (#/UAI/…).

import { ApiError, configure } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { language, setLanguage, t } from "./i18n.js";
import { establishments, signOut, takeTokenFromFragment, token } from "./session.js";
import { autoImportScreen } from "./views/auto_import.js";
import { historyScreen } from "./views/history.js";
import { importDetailScreen } from "./views/import_detail.js";
import { manualImportScreen } from "./views/manual_import.js";
import { errorPanel, heading } from "./views/messages.js";
import { renderShell } from "./views/shell.js";
import { wizardScreen } from "./views/wizard.js";

// pattern, menu section, title shown above an error that stops the screen, screen
const ROUTES = [
  [/^\/([^/]+)\/import$/, "import", "manual.title", (ctx) => manualImportScreen(ctx)],
  [/^\/([^/]+)\/imports\/([^/]+)\/([a-z]+)$/, "import", "manual.title", (ctx, id, step) => wizardScreen(ctx, id, step)],
  [/^\/([^/]+)\/history$/, "history", "history.title", (ctx) => historyScreen(ctx)],
  [/^\/([^/]+)\/history\/([^/]+)$/, "history", "history.title", (ctx, id) => importDetailScreen(ctx, id)],
  [/^\/([^/]+)\/auto-import$/, "auto-import", "auto.title", (ctx) => autoImportScreen(ctx)],
];

const state = { config: { apiBaseUrl: "", signInUrl: "" }, leave: [], lastSignInError: null, navigated: false };

function navigate(path, { replace = false } = {}) {
  const url = `#${path}`;
  if (replace) {
    window.history.replaceState(null, "", url);
    route();
  } else if (window.location.hash === url) {
    route();
  } else {
    window.location.hash = url;
  }
}

function leaveScreen() {
  for (const callback of state.leave.splice(0)) callback();
}

/** Sign-in lost (expired or refused by the API): forget the token and say why. */
function signedOut(error) {
  signOut();
  state.lastSignInError = error;
  navigate("/", { replace: true });
}

function route() {
  leaveScreen();
  const path = window.location.hash.replace(/^#/, "") || "/";
  const main = document.getElementById("main");
  const header = document.getElementById("header");
  if (!token()) {
    shell(header, null, null, false);
    signInScreen(main);
    return;
  }
  for (const [pattern, section, titleKey, render] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const uai = decodeURIComponent(match[1]).toUpperCase();
    shell(header, uai, section, true);
    const ctx = screenContext(main, uai, titleKey);
    Promise.resolve(render(ctx, ...match.slice(2).map(decodeURIComponent))).catch((error) => ctx.fail(error));
    return;
  }
  const known = establishments();
  if (known.length === 1) {
    navigate(`/${known[0]}/import`, { replace: true });
    return;
  }
  shell(header, null, null, true);
  chooseEstablishmentScreen(main, known);
}

function screenContext(main, uai, titleKey) {
  let active = true;
  state.leave.push(() => {
    active = false;
  });
  const ctx = {
    uai,
    main,
    navigate,
    get active() {
      return active;
    },
    onLeave(callback) {
      state.leave.push(callback);
    },
    show(...children) {
      if (!active) return;
      replaceChildren(main, children);
      const title = main.querySelector("h1");
      document.title = title ? `${title.textContent} — ${t("app.title")}` : t("app.title");
      if (state.navigated) {
        state.navigated = false; // the first screen after a navigation takes the focus; refreshes do not
        ctx.focusTitle();
      }
    },
    focusTitle() {
      const title = main.querySelector("h1");
      if (title) title.focus({ preventScroll: false });
    },
    /** An error the screen did not handle itself: a sentence and a code in place of the screen. */
    fail(error) {
      if (!active) return;
      if (error instanceof ApiError && error.status === 401) {
        signedOut(error);
        return;
      }
      const code = error instanceof ApiError ? error.code : "internal_error";
      if (!(error instanceof ApiError)) console.error(error);
      ctx.show(heading(t(titleKey)), errorPanel({ code, message: error.message }, { onRetry: route }), otherEstablishments(code, uai));
    },
  };
  return ctx;
}

/** Refused for this establishment: offer the ones the sign-in does cover. */
function otherEstablishments(code, uai) {
  const known = establishments().filter((other) => other !== uai);
  if (code !== "forbidden_establishment" || !known.length) return null;
  return [
    h("p", {}, t("establishment.yours")),
    h("ul", { class: "plain-list" }, known.map((other) => h("li", {}, h("a", { href: `#/${other}/import` }, other)))),
  ];
}

function shell(header, uai, section, signedIn) {
  renderShell(header, {
    uai,
    section,
    signedIn,
    onLanguage: (code) => {
      setLanguage(code);
      route();
      document.getElementById("language")?.focus();
    },
    onEstablishment: (code) => navigate(`/${code}/${section || "import"}`),
    onSignOut: () => {
      signOut();
      state.lastSignInError = null;
      navigate("/", { replace: true });
    },
  });
}

function signInScreen(main) {
  const error = state.lastSignInError;
  const action = state.config.signInUrl
    ? h("p", {}, h("a", { class: "button primary", href: state.config.signInUrl }, t("signin.link")))
    : h("p", { class: "hint" }, t("signin.local"));
  replaceChildren(
    main,
    heading(t("signin.title")),
    error ? errorPanel(error) : null,
    h("p", {}, t("signin.needed")),
    action,
  );
}

function chooseEstablishmentScreen(main, known) {
  replaceChildren(
    main,
    heading(t("nav.manual")),
    h("p", {}, t("establishment.none")),
    known.length
      ? h("ul", { class: "plain-list" }, known.map((uai) => h("li", {}, h("a", { href: `#/${uai}/import` }, uai))))
      : null,
  );
}

async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) return;
    const config = await response.json();
    state.config = {
      apiBaseUrl: typeof config.api_base_url === "string" ? config.api_base_url : "",
      signInUrl: typeof config.sign_in_url === "string" ? config.sign_in_url : "",
    };
  } catch {
    // no config.json: the API is on this origin and sign-in comes from `edt-import serve`
  }
}

async function start() {
  setLanguage(language());
  takeTokenFromFragment();
  await loadConfig();
  configure({ apiBaseUrl: state.config.apiBaseUrl });
  window.addEventListener("hashchange", () => {
    if (takeTokenFromFragment()) state.lastSignInError = null;
    state.navigated = true;
    route();
  });
  route();
}

start();

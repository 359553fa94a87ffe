// The sign-in: Cognito's hosted UI (or `edt-import serve` locally) returns the token in the URL fragment,
// `#id_token=…`. It is kept for this tab's session only (sessionStorage) and removed from the address bar,
// so it never lands in the browser history, a bookmark or a shared link.

const STORAGE_KEY = "edt-import.id_token";

/** Takes a token out of the fragment, if any; returns true when it did. */
export function takeTokenFromFragment() {
  const fragment = window.location.hash.replace(/^#/, "");
  if (!fragment.includes("id_token=")) return false;
  const params = new URLSearchParams(fragment);
  const token = params.get("id_token");
  if (token) sessionStorage.setItem(STORAGE_KEY, token);
  const url = `${window.location.pathname}${window.location.search}#/`;
  window.history.replaceState(null, "", url);
  return Boolean(token);
}

export function token() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signOut() {
  sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * The token's claims, read (not verified) to offer the establishments it names. Whether it is still valid is
 * the API's answer alone (401): the page does not judge an expiry by this computer's clock.
 */
export function claims() {
  const value = token();
  if (!value) return null;
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** The UAIs the token names (`custom:uais`, space-separated). */
export function establishments() {
  const c = claims();
  const value = c ? c["custom:uais"] : "";
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : [];
}

export function who() {
  const c = claims() || {};
  return c.email || c["cognito:username"] || c.name || c.sub || "";
}

// The admin API: same origin by default (the local front, or CloudFront forwarding /establishments/*),
// or `api_base_url` from config.json. Every failure becomes an ApiError carrying a stable code.

import { token } from "./session.js";

let baseUrl = "";

export function configure({ apiBaseUrl = "" } = {}) {
  baseUrl = apiBaseUrl.replace(/\/+$/, "");
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

export function establishmentPath(uai, ...parts) {
  return ["", "establishments", uai, ...parts].map(encodeURIComponent).join("/");
}

async function request(method, path, { body, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

async function errorOf(response) {
  let code = defaultCode(response.status);
  let message = "";
  try {
    const body = await response.json();
    if (body && typeof body.code === "string") code = body.code;
    if (body && typeof body.message === "string") message = body.message;
  } catch {
    // not JSON (a proxy's page): the status's own code stands
  }
  return new ApiError(response.status, code, message);
}

function defaultCode(status) {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 422 || status === 400) return "validation_error";
  return `http_${status}`;
}

async function json(response) {
  if (response.status === 204) return {};
  try {
    return await response.json();
  } catch {
    throw new ApiError(response.status, "invalid_response", "");
  }
}

export async function getJson(path) {
  return json(await request("GET", path));
}

export async function sendJson(method, path, body) {
  return json(await request(method, path, { body }));
}

export async function getText(path) {
  const response = await request("GET", path, { accept: "text/plain" });
  return response.text();
}

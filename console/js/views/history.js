// « Historique des imports »: each import's status in words, its place in the queue, its success and
// error counts; refreshes by itself while an import runs; a line opens the import's summary.

import { establishmentPath, getJson } from "../api.js";
import { h, scrollingTable } from "../dom.js";
import { formatDateTime, statusLabel, t } from "../i18n.js";
import * as facts from "../import_facts.js";
import { errorPanel, heading } from "./messages.js";

export const REFRESH_MS = 2000;

export async function historyScreen(ctx) {
  const { uai } = ctx;
  const tbody = h("tbody");
  const problems = h("div");
  const more = h("div", { class: "actions" });
  const items = [];
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));

  const render = () => {
    const focusedId = document.activeElement && document.activeElement.dataset.importId;
    tbody.replaceChildren(...items.map((item) => historyRow(ctx, item)));
    if (focusedId) tbody.querySelector(`a[data-import-id="${CSS.escape(focusedId)}"]`)?.focus();
  };

  let firstPage = 0; // how many items the first page gave: later pages were asked for by the administrator
  const take = (page) => {
    const fresh = Array.isArray(page.items) ? page.items : [];
    const ids = new Set(fresh.map((item) => item.import_id));
    const older = items.slice(firstPage).filter((item) => !ids.has(item.import_id));
    items.splice(0, items.length, ...fresh, ...older);
    firstPage = fresh.length;
    if (!older.length) setMore(page.next);
    render();
    table.hidden = items.length === 0;
    empty.hidden = items.length > 0;
  };

  const schedule = () => {
    clearTimeout(timer);
    if (ctx.active && items.some((item) => facts.RUNNING.has(item.status))) timer = setTimeout(refresh, REFRESH_MS);
  };

  const refresh = async () => {
    try {
      take(await getJson(establishmentPath(uai, "imports")));
      problems.replaceChildren();
    } catch (error) {
      if (error.status === 401) {
        ctx.fail(error);
        return;
      }
      problems.replaceChildren(errorPanel(error));
    }
    schedule();
  };

  const setMore = (cursor) => {
    more.replaceChildren(
      cursor
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: async () => {
                const page = await getJson(`${establishmentPath(uai, "imports")}?cursor=${encodeURIComponent(cursor)}`).catch((error) => {
                  problems.replaceChildren(errorPanel(error));
                  return null;
                });
                if (!page) return;
                items.push(...(page.items || []));
                render();
                setMore(page.next);
              },
            },
            t("history.more"),
          )
        : "",
    );
  };

  const columns = ["history.date", "history.kind", "history.status", "history.queue", "history.success", "history.errors"];
  const table = h(
    "table",
    { class: "history", id: "history" },
    h("caption", { class: "visually-hidden" }, t("history.title")),
    h("thead", {}, h("tr", {}, columns.map((key, i) => h("th", { scope: "col", class: i >= 3 ? "number" : null }, t(key))))),
    tbody,
  );
  const empty = h("p", { hidden: true }, t("history.empty"));
  take(await getJson(establishmentPath(uai, "imports")));
  ctx.show(
    heading(t("history.title")),
    h(
      "div",
      { class: "actions history-tools" },
      h("button", { type: "button", class: "secondary", id: "refresh-history", onclick: refresh }, t("history.refresh")),
      h("p", { class: "hint" }, t("history.auto")),
    ),
    problems,
    scrollingTable(t("history.title"), table),
    empty,
    more,
  );
  schedule();
}

function historyRow(ctx, item) {
  const href = `#/${ctx.uai}/history/${encodeURIComponent(item.import_id)}`;
  const when = formatDateTime(item.created_at);
  const counts = facts.totals(item);
  const label = statusLabel(item.status, item.status_label);
  return h(
    "tr",
    {
      class: `status-${item.status} clickable`,
      "data-import-id": item.import_id,
      "data-status": item.status,
      onclick: (event) => {
        if (event.target.closest("a")) return;
        ctx.navigate(`/${ctx.uai}/history/${item.import_id}`);
      },
    },
    h("th", { scope: "row" }, h("a", { href, "data-import-id": item.import_id, "aria-label": t("history.open", { date: when }) }, when)),
    h("td", {}, t(`kind.${item.kind}`)),
    h("td", {}, statusBadge(item.status, label)),
    h("td", { class: "number" }, item.queue_position ? t("queue.position", { position: item.queue_position }) : "—"),
    h("td", { class: "number" }, counts.succeeded ?? "—"),
    h("td", { class: `number${counts.failed ? " has-errors" : ""}` }, counts.failed ?? "—"),
  );
}

const STATUS_TONE = { done: "ok", done_with_errors: "warn", failed: "bad", held: "warn", superseded: "neutral", expired: "neutral", awaiting_selection: "warn" };

export function statusBadge(status, label) {
  const tone = STATUS_TONE[status] || "running";
  const symbol = { ok: "✓", warn: "!", bad: "✕", neutral: "–", running: "…" }[tone];
  return h("span", { class: `badge badge-status badge-${tone}`, "data-status": status }, h("span", { "aria-hidden": "true" }, symbol, " "), label);
}

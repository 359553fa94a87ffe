// A text file from the API (fetched with the sign-in token), handed to the browser as a download.

import { getText } from "./api.js";

export async function downloadText(path, filename) {
  const text = await getText(path);
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

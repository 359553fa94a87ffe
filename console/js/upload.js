// Sending the export straight to S3 through the presigned URL the API returned, with progress events
// (XMLHttpRequest: fetch has no upload progress). Two forms: a presigned POST {url, fields}, or a
// presigned PUT {url, method: "PUT", headers}.

import { ApiError } from "./api.js";

export function sendFile(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const method = (upload.method || "POST").toUpperCase();
    xhr.open(method, upload.url);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiError(xhr.status, s3Code(xhr.responseText), ""));
      }
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "upload_failed", "")));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "upload_failed", "")));
    if (method === "PUT") {
      for (const [name, value] of Object.entries(upload.headers || {})) xhr.setRequestHeader(name, value);
      xhr.send(file);
    } else {
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields || {})) form.append(name, value);
      form.append("file", file); // S3 reads the fields before the file: it must come last
      xhr.send(form);
    }
  });
}

/** S3's error code (EntityTooLarge, AccessDenied…) as ours: a file over the size limit is `too_large`. */
function s3Code(body) {
  const match = /<Code>([^<]+)<\/Code>/.exec(body || "");
  if (!match) return "upload_failed";
  return match[1] === "EntityTooLarge" ? "too_large" : "upload_failed";
}

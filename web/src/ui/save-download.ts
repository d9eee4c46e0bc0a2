import { type ApiClient, failureText } from "../api-client";
import type { Outcome } from "./outcome-message";

/** Saves a file the way a browser saves a download, from data fetched with the person's token. */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken its copy once the click is handled.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Fetches a file the API sends as an attachment and saves it; says what happened, in words for the person. */
export async function saveDownload(api: ApiClient, path: string): Promise<Outcome> {
  try {
    const { blob, filename } = await api.download(path);
    saveFile(blob, filename);
    return { ok: true, text: `Saved ${filename}.` };
  } catch (error) {
    return { ok: false, text: failureText(error) };
  }
}

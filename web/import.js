// import.js: fetching a model's config.json and weight index from the Hugging Face Hub (or a
// compatible server), with a size limit and a clear message for every way it can fail.
// Core reads the config; this file only moves bytes and names what went wrong.
'use strict';

(function () {
  const DEFAULT_HUB = 'https://huggingface.co';
  /// config.json files are a few KB and weight indexes well under 1 MiB (a 480B model's lists a few
  /// thousand tensors); core refuses documents over 4 MiB, so nothing larger is worth reading.
  const MAX_BODY_BYTES = 4 * 1024 * 1024;
  /// A Hub repository id: "name" or "owner/name", letters, digits, '-', '_', '.' (at most 96 each).
  const ID_PATTERN = /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

  /// Why `id` is not a Hub model id, or '' when it is one.
  function idProblem(id) {
    if (!id) return 'enter a model id such as Qwen/Qwen3-8B';
    if (!ID_PATTERN.test(id) || id.includes('..')) return 'a model id is "owner/name": letters, digits, "-", "_" and "." only';
    return '';
  }

  /// The hub address normalised (no trailing '/'), or null when it is not an http(s) address.
  /// The page's Content-Security-Policy decides which hosts the browser may actually reach.
  function normalHub(text) {
    let url;
    try { url = new URL(String(text || '').trim()); } catch { return null; }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    return url.origin + url.pathname.replace(/\/+$/, '');
  }

  class ImportError extends Error {}

  /// GETs `url` and returns its text; throws ImportError with a sentence naming the failure.
  /// `missingOk`: a 404 resolves to null instead (for the optional weight index).
  async function getText(url, what, missingOk) {
    let response;
    try {
      // No credentials and no referrer: the page never sends a token or the user's address.
      response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-cache' });
    } catch (e) {
      throw new ImportError(`could not reach ${url} (network error, offline, or a host this page may not contact)`);
    }
    if (response.status === 404 && missingOk) return null;
    if (response.status === 404) throw new ImportError(`no ${what} at ${url} (404): check the model id`);
    if (response.status === 401 || response.status === 403) {
      throw new ImportError(`the Hub refused ${what} (${response.status}): the model is gated or private; ` +
        'accept its license on the Hub and paste its config.json below instead');
    }
    if (!response.ok) throw new ImportError(`the Hub answered ${response.status} for ${what}`);
    const declared = Number(response.headers.get('content-length'));
    if (declared > MAX_BODY_BYTES) throw new ImportError(`${what} is ${declared} bytes, more than the ${MAX_BODY_BYTES}-byte limit`);
    // Read in chunks so an undeclared huge body is cut off at the limit, not held whole.
    const reader = response.body.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_BODY_BYTES) {
        reader.cancel().catch(() => {});
        throw new ImportError(`${what} is larger than the ${MAX_BODY_BYTES}-byte limit`);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.length; }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      throw new ImportError(`${what} is not UTF-8 text`);
    }
  }

  /// The checkpoint's exact weight bytes from a safetensors index text, or 0 when it states none.
  function indexTotalSize(text) {
    let index;
    try { index = JSON.parse(text); } catch { throw new ImportError('model.safetensors.index.json is not JSON'); }
    const size = index && typeof index === 'object' && index.metadata ? index.metadata.total_size : undefined;
    return Number.isSafeInteger(size) && size > 0 ? size : 0;
  }

  /// Fetches `<hub>/<id>/resolve/main/config.json` and, when the repository has one, the weight
  /// index. Resolves to {configText, weightsBytes (0: no index), indexNote}; throws ImportError.
  async function fetchModel(hub, id) {
    const problem = idProblem(id);
    if (problem) throw new ImportError(problem);
    const base = normalHub(hub);
    if (!base) throw new ImportError(`the hub address "${String(hub).slice(0, 80)}" is not an http(s) address`);
    const root = `${base}/${id}/resolve/main/`;
    const configText = await getText(root + 'config.json', 'config.json', false);
    let weightsBytes = 0, indexNote;
    const indexText = await getText(root + 'model.safetensors.index.json', 'the weight index', true);
    if (indexText === null) {
      indexNote = 'no weight index (a single-file or non-safetensors checkpoint): the weights are computed from the config';
    } else {
      weightsBytes = indexTotalSize(indexText);
      indexNote = weightsBytes > 0 ? 'published checkpoint, from model.safetensors.index.json'
        : 'the weight index states no total_size: the weights are computed from the config';
    }
    return { configText, weightsBytes, indexNote };
  }

  /// The `hub=` part of a fragment (URL-encoded), or '' when absent.
  function hubFromFragment(fragment) {
    for (const piece of String(fragment || '').replace(/^#/, '').split('&')) {
      if (piece.startsWith('hub=')) {
        try { return decodeURIComponent(piece.slice(4)); } catch { return ''; }
      }
    }
    return '';
  }

  window.headroomImport = Object.freeze({ DEFAULT_HUB, MAX_BODY_BYTES, ImportError, idProblem, normalHub, fetchModel,
    hubFromFragment });
})();

/*
  app.js: the behaviour of the web front-end (served as /assets/app.js).
  One HTML page serves every route; this script shows the view matching
  location.pathname, navigates with history.pushState, and talks to the
  same-origin HTTP API described in docs/api.md. Vanilla ES2020, no
  dependencies, no third-party requests, never writes to the console.
*/
'use strict';

(() => {
  // ===================================================================
  // Small DOM helpers
  // ===================================================================

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  /**
   * Builds an element. `props`: `class`, `text`, `on<event>` handlers,
   * `true` for boolean attributes; null/false/undefined are skipped.
   * Children are nodes or strings (always inserted as text, never HTML).
   */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function show(el) { el.hidden = false; }
  function hide(el) { el.hidden = true; }

  /** Puts a message (string or nodes) in an error box and shows it. */
  function showError(box, content) {
    box.hidden = false;
    box.replaceChildren(...(Array.isArray(content) ? content : [content]));
  }

  function clearError(box) {
    box.replaceChildren();
    box.hidden = true;
  }

  /** Moves focus to an element that is not normally focusable. */
  function focusElement(el) {
    if (!el) return;
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    el.focus({ preventScroll: false });
  }

  // ===================================================================
  // Formatting
  // ===================================================================

  const pad2 = (n) => String(n).padStart(2, '0');

  /** Seconds of video as mm:ss, or hh:mm:ss from one hour on. */
  function formatTime(seconds) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '?';
    const total = Math.floor(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = total % 60;
    return hours > 0 ? `${pad2(hours)}:${pad2(minutes)}:${pad2(secs)}` : `${pad2(minutes)}:${pad2(secs)}`;
  }

  /** 0.973 -> "97.3 %" */
  function formatSimilarity(value) {
    const n = typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
    return `${(n * 100).toFixed(1)} %`;
  }

  function episodeLabel(episode) {
    return episode === null || episode === undefined ? 'Episode ?' : `Episode ${episode}`;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  /** A wait in seconds, in words ("45 seconds", "3 minutes", "2 hours 5 minutes"). */
  function formatWait(seconds) {
    const s = Math.max(1, Math.ceil(seconds));
    if (s < 60) return plural(s, 'second', 'seconds');
    const minutes = Math.ceil(s / 60);
    if (minutes < 60) return plural(minutes, 'minute', 'minutes');
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest ? `${plural(hours, 'hour', 'hours')} ${plural(rest, 'minute', 'minutes')}` : plural(hours, 'hour', 'hours');
  }

  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const relativeFormat = typeof Intl.RelativeTimeFormat === 'function'
    ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
    : null;

  function parseDate(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  /** An ISO timestamp in the user's local time zone. */
  function formatDateTime(iso) {
    const d = parseDate(iso);
    return d ? dateTimeFormat.format(d) : String(iso || '');
  }

  /** "5 minutes ago", falling back to the local date and time. */
  function formatRelative(iso) {
    const d = parseDate(iso);
    if (!d) return String(iso || '');
    if (!relativeFormat) return dateTimeFormat.format(d);
    const diff = (d.getTime() - Date.now()) / 1000;
    const abs = Math.abs(diff);
    if (abs < 45) return 'just now';
    if (abs < 3600) return relativeFormat.format(Math.round(diff / 60), 'minute');
    if (abs < 86400) return relativeFormat.format(Math.round(diff / 3600), 'hour');
    if (abs < 86400 * 30) return relativeFormat.format(Math.round(diff / 86400), 'day');
    return dateTimeFormat.format(d);
  }

  /** A <time> element showing `text`, with the exact local time as a tooltip. */
  function timeElement(iso, text) {
    return h('time', { datetime: iso, title: formatDateTime(iso) }, text);
  }

  // ===================================================================
  // API access
  // ===================================================================

  /** Retry-After: delta seconds or an HTTP date; null when absent. */
  function parseRetryAfter(value) {
    if (!value) return null;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
  }

  /**
   * Calls the API. Never throws, except AbortError when `signal` aborts.
   * Resolves to {ok, status, data, error: {code, message}, retryAfter, network}.
   */
  async function api(path, { method = 'GET', json, body, signal } = {}) {
    const headers = { Accept: 'application/json' };
    let payload = body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(json);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload, signal, credentials: 'same-origin' });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      return { ok: false, status: 0, network: true, data: null, error: { code: 'NETWORK', message: '' }, retryAfter: null };
    }
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After') || response.headers.get('X-Retry-After'));
    let text = '';
    try {
      text = await response.text();
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      return { ok: false, status: 0, network: true, data: null, error: { code: 'NETWORK', message: '' }, retryAfter };
    }
    let data = null;
    let parsed = true;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        parsed = false;
      }
    }
    if (response.ok) {
      if (!parsed) {
        return { ok: false, status: response.status, data: null, error: { code: 'BAD_RESPONSE', message: '' }, retryAfter };
      }
      return { ok: true, status: response.status, data, error: null, retryAfter };
    }
    const error = data && typeof data === 'object' && typeof data.code === 'string'
      ? { code: data.code, message: typeof data.message === 'string' ? data.message : '' }
      : { code: `HTTP_${response.status}`, message: response.statusText || '' };
    return { ok: false, status: response.status, data: null, error, retryAfter };
  }

  // Error codes whose sentence says everything: the server's message is not added.
  const SELF_EXPLANATORY = new Set([
    'GUEST_QUOTA_EXCEEDED', 'INSUFFICIENT_CREDITS', 'RATE_LIMITED', 'INVALID_EMAIL_OR_PASSWORD',
    'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', 'PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG', 'INVALID_EMAIL',
    'UNAUTHORIZED', 'NETWORK', 'USER_DISABLED', 'API_KEY_NOT_FOUND', 'SEARCH_NOT_FOUND', 'NOT_YOUR_SEARCH',
  ]);

  /**
   * A failed API call in words: an array of nodes/strings for showError.
   * `context` is 'search', 'auth' or 'other' (it changes a few sentences).
   */
  function describeError(result, context = 'other') {
    if (result.network) return ['The server could not be reached.'];
    const { code, message } = result.error;
    const wait = result.retryAfter !== null && result.retryAfter !== undefined ? formatWait(result.retryAfter) : null;
    let sentence;
    switch (code) {
      case 'GUEST_QUOTA_EXCEEDED':
        return [
          "You have used all of today's guest searches. ",
          h('a', { href: '/account', class: 'sign-in-prompt' }, 'Sign in'),
          ' (or create a free account) to get 10 free searches a day, or come back after midnight UTC',
          wait ? ` (in ${wait})` : '',
          '.',
        ];
      case 'INSUFFICIENT_CREDITS':
        sentence = `You have no credits left. Your free credits return at midnight UTC${wait ? ` (in ${wait})` : ''}; until then each search needs a purchased credit, and you have none.`;
        break;
      case 'RATE_LIMITED':
        sentence = `You have searched too often in the last hour. Please wait ${wait || 'a while'} before searching again.`;
        break;
      case 'TOO_MANY_REQUESTS':
        sentence = context === 'search'
          ? `Too many of your recent searches failed. Please wait ${wait || 'a few minutes'} before trying again.`
          : `Too many attempts. Please wait ${wait || 'a few seconds'} and try again.`;
        break;
      case 'URL_FETCH_FAILED':
        sentence = 'The image at that address could not be downloaded.';
        break;
      case 'URL_NOT_ALLOWED':
        sentence = 'That address is not allowed: the server only downloads images from public internet addresses.';
        break;
      case 'INVALID_URL':
        sentence = 'That is not a valid image address: enter a full URL starting with http:// or https://.';
        break;
      case 'INVALID_IMAGE':
        sentence = 'That file could not be read as an image. Use a JPEG, PNG, WebP or GIF screenshot.';
        break;
      case 'IMAGE_TOO_LARGE':
        sentence = 'The image is too large: at most 25 MB and 10000 pixels a side.';
        break;
      case 'MISSING_IMAGE':
        sentence = 'No image was received. Choose, drop or paste an image, or enter its address.';
        break;
      case 'SERVER_BUSY':
        sentence = `The server is busy. Please try again in ${wait || 'a few seconds'}.`;
        break;
      case 'INDEX_UNAVAILABLE':
        sentence = `The search index is not loaded yet. Please try again in ${wait || 'a few seconds'}.`;
        break;
      case 'INVALID_API_KEY':
        sentence = 'The API key is not valid.';
        break;
      case 'MISSING_OR_NULL_ORIGIN':
      case 'INVALID_ORIGIN':
        sentence = "The server refused the request because it does not trust this page's address. The operator can allow it with --base-url or --trusted-origin.";
        break;
      case 'INVALID_EMAIL_OR_PASSWORD':
        sentence = 'The email or the password is not right.';
        break;
      case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
        sentence = 'An account with this email already exists. Sign in instead, or use another email.';
        break;
      case 'INVALID_EMAIL':
        sentence = 'That email address does not look valid.';
        break;
      case 'PASSWORD_TOO_SHORT':
        sentence = 'The password is too short: use at least 8 characters.';
        break;
      case 'PASSWORD_TOO_LONG':
        sentence = 'The password is too long: use at most 128 characters.';
        break;
      case 'USER_DISABLED':
        sentence = 'This account has been disabled by the operator of this server.';
        break;
      case 'VALIDATION_ERROR':
        sentence = 'Please check the form.';
        break;
      case 'CROSS_SITE_NAVIGATION_LOGIN_BLOCKED':
        sentence = 'Signing in from another site is blocked. Open this page directly and try again.';
        break;
      case 'UNAUTHORIZED':
        sentence = 'You are not signed in (your session may have ended). Please sign in again.';
        break;
      case 'SESSION_REQUIRED':
        sentence = 'This needs a signed-in browser session.';
        break;
      case 'API_KEY_NOT_FOUND':
        sentence = 'That key no longer exists: it may already be revoked.';
        break;
      case 'NOT_YOUR_SEARCH':
        sentence = 'This search was made by someone else, so it cannot be confirmed from here.';
        break;
      case 'SEARCH_NOT_FOUND':
        sentence = 'This search no longer exists on the server.';
        break;
      case 'INVALID_RESULT_INDEX':
        sentence = 'That result is not part of this search.';
        break;
      case 'BODY_TOO_LARGE':
        sentence = 'What was sent is too large.';
        break;
      case 'INTERNAL_ERROR':
        sentence = 'Something went wrong on the server. Please try again later.';
        break;
      case 'BAD_RESPONSE':
        sentence = 'The server sent an answer that could not be read.';
        break;
      default:
        sentence = result.status ? `The request failed (HTTP ${result.status}).` : 'The request failed.';
    }
    if (message && !SELF_EXPLANATORY.has(code)) return [`${sentence} Details: ${message}`];
    return [sentence];
  }

  // ===================================================================
  // Session (who is signed in)
  // ===================================================================

  const state = {
    user: null,          // the signed-in user, or null for a guest
    sessionReady: null,  // promise of the first get-session
    route: null,         // the path of the view shown
  };

  const navAccount = $('#nav-account');

  function updateNavAccount() {
    navAccount.textContent = state.user && state.user.email ? state.user.email : 'Account';
  }

  /** Asks the server who we are. A network failure keeps the previous state. */
  async function loadSession() {
    const result = await api('/api/auth/get-session');
    if (result.ok) {
      state.user = result.data && result.data.user ? result.data.user : null;
    } else if (!result.network) {
      state.user = null;
    }
    updateNavAccount();
    return result;
  }

  // ===================================================================
  // Router: one page, five views
  // ===================================================================

  const ROUTES = {
    '/': { view: 'view-search', title: 'Anime scene search', onShow: () => refreshQuota() },
    '/rankings': { view: 'view-rankings', title: 'Rankings · Anime scene search', onShow: () => loadRankings() },
    '/recent': { view: 'view-recent', title: 'Recent searches · Anime scene search', onShow: () => loadRecent(false) },
    '/account': { view: 'view-account', title: 'Account · Anime scene search', onShow: () => showAccount() },
    '/api-docs': { view: 'view-api', title: 'API · Anime scene search', onShow: () => {} },
  };

  function normalizePath(path) {
    let p = path || '/';
    if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
    return Object.prototype.hasOwnProperty.call(ROUTES, p) ? p : '/';
  }

  /** Shows the view of `path`. `moveFocus`: after a navigation, focus its heading. */
  function showRoute(path, moveFocus) {
    const route = normalizePath(path);
    const def = ROUTES[route];
    state.route = route;
    for (const def2 of Object.values(ROUTES)) {
      document.getElementById(def2.view).hidden = def2.view !== def.view;
    }
    for (const link of $$('nav a[data-route]')) {
      if (link.getAttribute('data-route') === route) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = def.title;
    if (moveFocus) {
      window.scrollTo(0, 0);
      focusElement($(`#${def.view} h1`));
    }
    def.onShow();
  }

  function navigate(path) {
    const route = normalizePath(path);
    if (route !== location.pathname) history.pushState(null, '', route);
    showRoute(route, true);
  }

  // Same-origin links to a view are handled here instead of loading the page again.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.hash) return;
    let path = url.pathname;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (!Object.prototype.hasOwnProperty.call(ROUTES, path)) return;
    event.preventDefault();
    navigate(path);
  });

  window.addEventListener('popstate', () => {
    // A fragment link (the skip link) also fires popstate: same view, nothing to do.
    if (normalizePath(location.pathname) === state.route) return;
    showRoute(location.pathname, true);
  });

  // ===================================================================
  // Search view
  // ===================================================================

  const fileInput = $('#file-input');
  const dropZone = $('#drop-zone');
  const urlForm = $('#url-form');
  const urlInput = $('#url-input');
  const quotaEl = $('#quota');
  const statusEl = $('#status');
  const errorEl = $('#error');
  const querySection = $('#query');
  const queryPreview = $('#query-preview');
  const resultsSection = $('#results-section');
  const resultsEl = $('#results');
  const sharePublic = $('#share-public');

  const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
  let searchController = null; // aborts a search replaced by a newer one
  let previewUrl = null;       // object URL of the uploaded screenshot
  let quotaSeq = 0;

  const onSearchView = () => state.route === '/';

  function setStatus(el, text, busy = false) {
    el.textContent = text;
    el.classList.toggle('busy', busy);
  }

  /** The "searches left" line: /me for guests, credits for signed-in users. */
  async function refreshQuota() {
    const seq = ++quotaSeq;
    await state.sessionReady;
    if (state.user) {
      const result = await api('/api/user/anime-credits');
      if (seq !== quotaSeq) return;
      if (result.ok && result.data) {
        const free = result.data.freeDaily || {};
        const remaining = typeof free.remaining === 'number' ? free.remaining : Math.max(0, (free.limit || 0) - (free.used || 0));
        quotaEl.textContent = `Free credits left today: ${remaining}, purchased credits: ${result.data.credits ?? 0}`;
        return;
      }
      if (result.status !== 401) {
        quotaEl.textContent = '';
        return;
      }
      // The session ended: count as a guest from now on.
      state.user = null;
      updateNavAccount();
    }
    const result = await api('/me');
    if (seq !== quotaSeq) return;
    if (result.ok && result.data && typeof result.data.quota === 'number') {
      const { quota, quotaUsed } = result.data;
      const left = quota >= 4294967295 ? 'unlimited' : Math.max(0, quota - (quotaUsed || 0));
      quotaEl.textContent = `Guest searches left today: ${left}`;
    } else {
      quotaEl.textContent = '';
    }
  }

  /** Shows what was submitted: the picture for a file, the address as text for a URL. */
  function showQuery(input) {
    if (previewUrl) {
      URL.revokeObjectURL(previewUrl);
      previewUrl = null;
    }
    if (input.file) {
      previewUrl = URL.createObjectURL(input.file);
      queryPreview.replaceChildren(
        h('img', { src: previewUrl, alt: 'The screenshot you searched with' }),
        input.file.name ? h('p', { class: 'hint' }, input.file.name) : null,
      );
    } else {
      // The remote image is not loaded: no request to a third party.
      queryPreview.replaceChildren(h('p', {}, 'Image address: ', h('code', {}, input.url)));
    }
    show(querySection);
  }

  async function runSearch(input) {
    if (searchController) searchController.abort();
    const controller = new AbortController();
    searchController = controller;

    clearError(errorEl);
    previewGeneration += 1;
    resultsEl.replaceChildren();
    hide(resultsSection);
    showQuery(input);

    if (input.file && input.file.size > MAX_UPLOAD_BYTES) {
      searchController = null;
      resultsEl.removeAttribute('aria-busy');
      setStatus(statusEl, 'Search not sent.');
      showError(errorEl, describeError({ status: 413, error: { code: 'IMAGE_TOO_LARGE', message: '' } }, 'search'));
      return;
    }

    const form = new FormData();
    if (input.file) form.append('image', input.file, input.file.name || 'pasted-image');
    else form.append('url', input.url);

    setStatus(statusEl, 'Searching…', true);
    resultsEl.setAttribute('aria-busy', 'true');
    let result;
    try {
      result = await api('/api/anime/search', { method: 'POST', body: form, signal: controller.signal });
    } catch {
      return; // aborted by a newer search
    } finally {
      if (searchController === controller) resultsEl.removeAttribute('aria-busy');
    }
    if (searchController !== controller) return;
    searchController = null;

    if (result.ok && result.data) {
      renderResults(result.data);
      const count = Array.isArray(result.data.result) ? result.data.result.length : 0;
      setStatus(statusEl, count ? `Search done: ${plural(count, 'possible match', 'possible matches')}.` : 'Search done: no match found.');
    } else {
      setStatus(statusEl, 'The search failed.');
      showError(errorEl, describeError(result, 'search'));
    }
    refreshQuota();
  }

  // --- Preview queue ---
  //
  // The server cuts a still or clip on first request and answers 503
  // PREVIEW_BUSY when as many cuts run as it has cores. Setting every src of
  // five cards at once would hit that (and log errors in the console), so
  // each preview is first fetched here, one at a time (which fills the
  // server's cache), and only then given to its <img>/<video>.

  const previewQueue = [];
  let previewGeneration = 0; // bumped by each new search: older tasks are dropped
  let previewRunning = false;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** `done(ok)` runs once the preview at `url` is ready (ok) or failed. */
  function queuePreview(url, done) {
    previewQueue.push({ url, done, generation: previewGeneration });
    runPreviewQueue();
  }

  async function runPreviewQueue() {
    if (previewRunning) return;
    previewRunning = true;
    while (previewQueue.length) {
      const task = previewQueue.shift();
      if (task.generation !== previewGeneration) continue;
      const ok = await warmPreview(task.url);
      if (task.generation === previewGeneration) task.done(ok);
    }
    previewRunning = false;
  }

  async function warmPreview(url) {
    let target;
    try {
      target = new URL(url, location.href);
    } catch {
      return false;
    }
    // Another origin (a differently spelled base URL): no fetch (CORS); the element loads it.
    if (target.origin !== location.origin) return true;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      let response;
      try {
        response = await fetch(target.href, { credentials: 'same-origin' });
        await response.blob(); // the whole answer: the browser may cache it too
      } catch {
        return false;
      }
      if (response.ok) return true;
      if (response.status !== 503) return false; // expired, previews off, video gone, ...
      const wait = parseRetryAfter(response.headers.get('Retry-After'));
      await sleep(Math.min(10, wait === null ? 2 : Math.max(1, wait)) * 1000);
    }
    return false;
  }

  function renderResults(data) {
    const list = Array.isArray(data.result) ? data.result : [];
    resultsEl.replaceChildren();
    show(resultsSection);
    if (!list.length) {
      resultsEl.append(h('p', { class: 'empty' }, 'No match found.'));
      return;
    }
    list.forEach((item, index) => resultsEl.append(resultCard(item, index, data.searchId)));
  }

  function resultCard(item, index, searchId) {
    const anime = item.anime || {};
    const title = anime.title || item.filename || 'Unknown anime';
    const titleId = `result-title-${index}`;
    const episode = episodeLabel(item.episode);
    const similarity = typeof item.similarity === 'number' ? item.similarity : 0;

    // The media elements get their src from the preview queue (below), one
    // preview at a time, so that the server never has to answer "busy".
    const media = h('div', { class: 'media' });
    let video = null;
    let still = null;
    if (item.video) {
      video = h('video', {
        class: 'preview',
        autoplay: true,
        muted: true,
        loop: true,
        playsinline: true,
        controls: true,
        preload: 'auto',
        hidden: true,
        'aria-label': `Preview clip of ${title}, ${episode}, around ${formatTime(item.at)}`,
      });
      // The attribute alone does not mute an element made by script; autoplay needs it muted.
      video.muted = true;
      video.defaultMuted = true;
      media.append(video);
    }
    if (item.image) {
      still = h('img', {
        alt: `Still frame from ${title}, ${episode}, at ${formatTime(item.at)}`,
        loading: 'lazy',
        decoding: 'async',
        hidden: true,
      });
      media.append(still);
    }
    if (video || still) {
      const note = h('p', { class: 'hint preview-note' }, 'Loading the preview…');
      media.append(note);
      let pending = (video ? 1 : 0) + (still ? 1 : 0);
      const settle = () => {
        pending -= 1;
        if (pending > 0) return;
        if (media.querySelector('video, img')) note.remove();
        else note.textContent = 'The preview is not available.';
      };
      if (still) {
        queuePreview(item.image, (ok) => {
          if (ok) {
            still.setAttribute('src', item.image);
            still.hidden = false;
            if (video) video.setAttribute('poster', item.image);
          } else {
            still.remove();
          }
          settle();
        });
      }
      if (video) {
        queuePreview(item.video, (ok) => {
          if (ok) {
            video.setAttribute('src', item.video);
            video.hidden = false;
          } else {
            video.remove();
          }
          settle();
        });
      }
    }

    const confirmStatus = h('p', { class: 'confirm-status ok', 'aria-live': 'polite', tabindex: '-1' });
    const cardError = h('div', { class: 'error', role: 'alert', hidden: true });
    const confirmButton = h('button', { type: 'button', class: 'confirm', 'aria-describedby': titleId }, 'This is it');
    confirmButton.addEventListener('click', async () => {
      confirmButton.disabled = true;
      clearError(cardError);
      confirmStatus.textContent = 'Confirming…';
      const body = { resultIndex: index };
      if (sharePublic.checked) body.public = true;
      const result = await api(`/api/anime/searches/${encodeURIComponent(searchId)}/confirm`, { method: 'POST', json: body });
      if (result.ok) {
        confirmStatus.textContent = 'Thanks — confirmed';
        focusElement(confirmStatus); // the disabled button cannot keep focus
      } else {
        confirmStatus.textContent = '';
        showError(cardError, describeError(result));
        confirmButton.disabled = false;
      }
    });

    return h('article', { class: 'result', 'aria-labelledby': titleId },
      h('h3', { id: titleId }, title, anime.isAdult ? h('span', { class: 'badge' }, 'Adult') : null),
      h('p', { class: 'meta' }, episode),
      h('p', { class: 'span' },
        'Scene ',
        h('span', { class: 'nowrap' }, `${formatTime(item.from)}–${formatTime(item.to)}`),
        ', best match at ',
        h('span', { class: 'nowrap' }, formatTime(item.at))),
      h('p', { class: 'similarity' }, 'Similarity: ', h('span', { class: 'similarity-value' }, formatSimilarity(similarity))),
      similarity < 0.9 ? h('p', { class: 'low-confidence' }, 'Probably not this one') : null,
      media.childElementCount ? media : null,
      item.filename ? h('p', { class: 'filename' }, item.filename) : null,
      h('div', { class: 'actions' }, confirmButton, confirmStatus, cardError),
    );
  }

  // --- Inputs: file picker, URL form, drag and drop, paste ---

  fileInput.addEventListener('change', () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    runSearch({ file });
    fileInput.value = ''; // choosing the same file again searches again
  });

  urlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const url = urlInput.value.trim();
    if (!url) {
      clearError(errorEl);
      showError(errorEl, 'Enter the address (URL) of an image first.');
      urlInput.focus();
      return;
    }
    runSearch({ url });
  });

  const hasType = (event, type) => !!(event.dataTransfer && Array.from(event.dataTransfer.types || []).includes(type));
  const isTextField = (el) => el instanceof HTMLElement && (el.isContentEditable || el.matches('input, textarea'));
  const httpUrl = (text) => {
    const first = (text || '').split(/\r?\n/).map((s) => s.trim()).find((s) => s && !s.startsWith('#'));
    return first && /^https?:\/\//i.test(first) ? first : null;
  };

  let dragDepth = 0;

  window.addEventListener('dragenter', (event) => {
    if (!onSearchView() || !hasType(event, 'Files')) return;
    dragDepth += 1;
    dropZone.classList.add('dragover');
  });

  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dropZone.classList.remove('dragover');
  });

  window.addEventListener('dragover', (event) => {
    // Files anywhere on the page (so a stray drop never replaces the page);
    // on the search view also links dragged from another page.
    if (hasType(event, 'Files') || (onSearchView() && hasType(event, 'text/uri-list') && !isTextField(event.target))) {
      event.preventDefault();
      event.dataTransfer.dropEffect = onSearchView() ? 'copy' : 'none';
    }
  });

  window.addEventListener('drop', (event) => {
    dragDepth = 0;
    dropZone.classList.remove('dragover');
    const files = event.dataTransfer ? Array.from(event.dataTransfer.files || []) : [];
    if (files.length) {
      event.preventDefault();
      if (onSearchView()) runSearch({ file: files.find((f) => f.type.startsWith('image/')) || files[0] });
      return;
    }
    if (!onSearchView() || isTextField(event.target) || !event.dataTransfer) return;
    const url = httpUrl(event.dataTransfer.getData('text/uri-list')) || httpUrl(event.dataTransfer.getData('text/plain'));
    if (url) {
      event.preventDefault();
      urlInput.value = url;
      runSearch({ url });
    }
  });

  document.addEventListener('paste', (event) => {
    if (!onSearchView() || !event.clipboardData) return;
    const data = event.clipboardData;
    // Text pasted into a field stays ordinary text.
    if (isTextField(event.target) && data.getData('text/plain')) return;
    let file = Array.from(data.files || []).find((f) => f.type.startsWith('image/'));
    if (!file) {
      const item = Array.from(data.items || []).find((i) => i.kind === 'file' && i.type.startsWith('image/'));
      file = item ? item.getAsFile() : null;
    }
    if (!file) return;
    event.preventDefault();
    runSearch({ file });
  });

  // ===================================================================
  // Rankings view
  // ===================================================================

  const tabs = $$('#view-rankings [role="tab"]');
  const includeAdult = $('#include-adult');
  const rankingsPanel = $('#rankings-panel');
  const rankingsStatus = $('#rankings-status');
  const rankingsError = $('#rankings-error');
  const rankingsList = $('#rankings-list');
  let rankingsPeriod = 'all';
  let rankingsSeq = 0;

  function selectTab(tab, focus) {
    for (const t of tabs) {
      const selected = t === tab;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
    }
    rankingsPanel.setAttribute('aria-labelledby', tab.id);
    if (focus) tab.focus();
    const period = tab.getAttribute('data-period');
    if (period !== rankingsPeriod) {
      rankingsPeriod = period;
      loadRankings();
    }
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => selectTab(tab, false));
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(tab);
      let next = null;
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = tabs[(i + 1) % tabs.length];
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (event.key === 'Home') next = tabs[0];
      else if (event.key === 'End') next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        selectTab(next, true);
      }
    });
  }

  includeAdult.addEventListener('change', () => loadRankings());

  async function loadRankings() {
    const seq = ++rankingsSeq;
    const tabLabel = (tabs.find((t) => t.getAttribute('data-period') === rankingsPeriod) || tabs[0]).textContent;
    setStatus(rankingsStatus, 'Loading…', true);
    clearError(rankingsError);
    rankingsList.setAttribute('aria-busy', 'true');
    const query = new URLSearchParams({ period: rankingsPeriod, limit: '50', includeAdult: String(includeAdult.checked) });
    const result = await api(`/api/anime/rankings?${query}`);
    if (seq !== rankingsSeq) return;
    rankingsList.removeAttribute('aria-busy');
    if (!result.ok) {
      setStatus(rankingsStatus, '');
      rankingsList.replaceChildren();
      showError(rankingsError, describeError(result));
      return;
    }
    const items = result.data && Array.isArray(result.data.items) ? result.data.items : [];
    rankingsList.replaceChildren(...items.map((item) => {
      const anime = item.anime || {};
      const searches = typeof item.searches === 'number' ? item.searches : 0;
      return h('li', {},
        h('span', { class: 'rank' }, h('span', { class: 'visually-hidden' }, 'Rank '), String(item.rank)),
        h('span', { class: 'title' }, anime.title || 'Unknown anime', anime.isAdult ? h('span', { class: 'badge' }, 'Adult') : null),
        h('span', { class: 'count' }, plural(searches, 'search', 'searches')));
    }));
    setStatus(rankingsStatus, items.length
      ? `${tabLabel}: ${plural(items.length, 'anime', 'anime')}.`
      : `${tabLabel}: no anime found by searches in this period yet.`);
  }

  // ===================================================================
  // Recent searches view
  // ===================================================================

  const recentStatus = $('#recent-status');
  const recentError = $('#recent-error');
  const recentList = $('#recent-list');
  const recentMore = $('#recent-more');
  const RECENT_PAGE = 20;
  let recentOffset = 0;
  let recentSeq = 0;

  /** `append`: add the next page after the ones shown ("Show more"). */
  async function loadRecent(append) {
    const seq = ++recentSeq;
    const offset = append ? recentOffset : 0;
    setStatus(recentStatus, 'Loading…', true);
    clearError(recentError);
    const result = await api(`/api/anime/recent-searches?limit=${RECENT_PAGE}&offset=${offset}`);
    if (seq !== recentSeq) return;
    if (!result.ok) {
      setStatus(recentStatus, '');
      showError(recentError, describeError(result));
      return;
    }
    const items = result.data && Array.isArray(result.data.items) ? result.data.items : [];
    const nodes = items.map((item) => {
      const anime = item.anime || {};
      return h('li', {},
        h('p', { class: 'title' }, anime.title || 'Unknown anime', anime.isAdult ? h('span', { class: 'badge' }, 'Adult') : null),
        h('p', { class: 'meta' },
          `${episodeLabel(item.episode)} · at ${formatTime(item.at)}`,
          typeof item.similarity === 'number' ? ` · ${formatSimilarity(item.similarity)}` : '',
          ' · confirmed ',
          timeElement(item.confirmedAt, formatRelative(item.confirmedAt))));
    });
    if (append) recentList.append(...nodes);
    else recentList.replaceChildren(...nodes);
    recentOffset = offset + items.length;
    recentMore.hidden = items.length < RECENT_PAGE;
    if (!recentList.childElementCount) setStatus(recentStatus, 'No confirmed searches yet.');
    else setStatus(recentStatus, append ? `${plural(items.length, 'more search', 'more searches')} shown.` : '');
  }

  recentMore.addEventListener('click', () => loadRecent(true));

  // ===================================================================
  // Account view
  // ===================================================================

  const accountStatus = $('#account-status');
  const accountError = $('#account-error');
  const signedOut = $('#signed-out');
  const signedIn = $('#signed-in');
  const signinForm = $('#signin-form');
  const signinError = $('#signin-error');
  const signupForm = $('#signup-form');
  const signupError = $('#signup-error');
  const signoutButton = $('#signout');
  const creditsBody = $('#credits-body');
  const keyForm = $('#key-form');
  const keyTitle = $('#key-title');
  const createKeyButton = $('#create-key');
  const keyError = $('#key-error');
  const newKeyBox = $('#new-key');
  const keysStatus = $('#keys-status');
  const keysList = $('#keys');
  const keysPager = $('#keys-pager');
  const KEYS_PAGE_SIZE = 20;
  let keysPage = 1;
  let firstAccountShow = true;
  let accountSeq = 0;

  /** Called each time the account view is shown: asks who we are, then renders. */
  async function showAccount() {
    const seq = ++accountSeq;
    clearError(accountError);
    newKeyBox.replaceChildren();
    hide(newKeyBox);
    // The first time, at start-up, the session asked for at boot is used.
    const useBoot = firstAccountShow;
    firstAccountShow = false;
    const result = useBoot ? await state.sessionReady : await loadSession();
    if (seq !== accountSeq) return;
    if (result && result.network) {
      hide(signedIn);
      hide(signedOut);
      showError(accountError, [
        'The server could not be reached. ',
        h('button', { type: 'button', class: 'secondary', onclick: () => showAccount() }, 'Try again'),
      ]);
      return;
    }
    renderAccount();
  }

  function renderAccount() {
    if (state.user) {
      hide(signedOut);
      show(signedIn);
      $('#whoami-email').textContent = state.user.email || state.user.name || '';
      loadCredits();
      keysPage = 1;
      loadKeys();
    } else {
      hide(signedIn);
      show(signedOut);
    }
  }

  /** A session-only call answered 401: the session is gone. */
  function sessionEnded() {
    state.user = null;
    updateNavAccount();
    renderAccount();
    showError(signinError, 'Your session has ended. Please sign in again.');
  }

  async function submitAuth(form, errorBox, button, path, body, busyText) {
    clearError(errorBox);
    clearError(accountError);
    button.disabled = true;
    setStatus(accountStatus, busyText, true);
    const result = await api(path, { method: 'POST', json: body });
    button.disabled = false;
    if (!result.ok) {
      setStatus(accountStatus, '');
      showError(errorBox, describeError(result, 'auth'));
      return;
    }
    form.reset();
    if (result.data && result.data.user) {
      state.user = result.data.user;
      updateNavAccount();
    } else {
      await loadSession();
    }
    renderAccount();
    setStatus(accountStatus, state.user ? 'You are signed in.' : '');
    focusElement($('#whoami-text'));
  }

  signinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const email = $('#signin-email').value.trim();
    const password = $('#signin-password').value;
    if (!email || !password) {
      showError(signinError, 'Enter your email and your password.');
      (email ? $('#signin-password') : $('#signin-email')).focus();
      return;
    }
    submitAuth(signinForm, signinError, $('#signin-submit'), '/api/auth/sign-in/email',
      { email, password, rememberMe: true }, 'Signing in…');
  });

  signupForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('#signup-name').value.trim();
    const email = $('#signup-email').value.trim();
    const password = $('#signup-password').value;
    const missing = [['name', name, '#signup-name'], ['email', email, '#signup-email'], ['password', password, '#signup-password']]
      .find(([, value]) => !value);
    if (missing) {
      showError(signupError, `Enter your ${missing[0]}.`);
      $(missing[2]).focus();
      return;
    }
    submitAuth(signupForm, signupError, $('#signup-submit'), '/api/auth/sign-up/email',
      { name, email, password }, 'Creating your account…');
  });

  signoutButton.addEventListener('click', async () => {
    clearError(accountError);
    signoutButton.disabled = true;
    setStatus(accountStatus, 'Signing out…', true);
    const result = await api('/api/auth/sign-out', { method: 'POST' });
    signoutButton.disabled = false;
    if (!result.ok && result.status !== 401) {
      setStatus(accountStatus, '');
      showError(accountError, describeError(result));
      return;
    }
    state.user = null;
    updateNavAccount();
    renderAccount();
    setStatus(accountStatus, 'You have signed out.');
    focusElement($('#signin-title'));
  });

  // --- Credits ---

  async function loadCredits() {
    const result = await api('/api/user/anime-credits');
    if (result.status === 401) {
      sessionEnded();
      return;
    }
    if (!result.ok || !result.data) {
      creditsBody.replaceChildren(h('div', { class: 'error', role: 'alert' }, ...describeError(result)));
      return;
    }
    const { freeDaily = {}, credits = 0, hourly = {} } = result.data;
    const freeLeft = typeof freeDaily.remaining === 'number' ? freeDaily.remaining : Math.max(0, (freeDaily.limit || 0) - (freeDaily.used || 0));
    const rows = [
      ['Free credits today', [
        `${freeDaily.used ?? 0} of ${freeDaily.limit ?? 0} used (${freeLeft} left)`,
        freeDaily.resetsAt ? h('br') : null,
        freeDaily.resetsAt ? h('span', { class: 'hint' }, 'New free credits at ', timeElement(freeDaily.resetsAt, formatDateTime(freeDaily.resetsAt)), ' (your local time)') : null,
      ]],
      ['Purchased credits', [String(credits), h('br'), h('span', { class: 'hint' }, 'Spent once the free credits of the day are used; they do not expire.')]],
      ['Searches this hour', [
        `${hourly.used ?? 0} of ${hourly.limit ?? 0}`,
        hourly.used > 0 && hourly.resetsAt ? h('br') : null,
        hourly.used > 0 && hourly.resetsAt ? h('span', { class: 'hint' }, 'The oldest leaves the hour at ', timeElement(hourly.resetsAt, formatDateTime(hourly.resetsAt))) : null,
      ]],
    ];
    creditsBody.replaceChildren(h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, ...value)])));
  }

  // --- API keys ---

  async function loadKeys() {
    setStatus(keysStatus, 'Loading keys…', true);
    const result = await api(`/api/apikeys?page=${keysPage}&pageSize=${KEYS_PAGE_SIZE}`);
    if (result.status === 401) {
      sessionEnded();
      return;
    }
    if (!result.ok || !result.data) {
      setStatus(keysStatus, '');
      showError(keyError, describeError(result));
      return;
    }
    const items = Array.isArray(result.data.items) ? result.data.items : [];
    const total = typeof result.data.total === 'number' ? result.data.total : items.length;
    if (!items.length && keysPage > 1) {
      // The last key of a page was revoked: show the page before.
      keysPage -= 1;
      loadKeys();
      return;
    }
    keysList.replaceChildren(...items.map(keyItem));
    setStatus(keysStatus, total ? '' : 'No API keys yet.');
    renderKeysPager(total);
  }

  function renderKeysPager(total) {
    const pages = Math.max(1, Math.ceil(total / KEYS_PAGE_SIZE));
    if (pages <= 1) {
      keysPager.replaceChildren();
      hide(keysPager);
      return;
    }
    const prev = h('button', { type: 'button', class: 'secondary', disabled: keysPage <= 1 }, 'Previous page');
    const next = h('button', { type: 'button', class: 'secondary', disabled: keysPage >= pages }, 'Next page');
    prev.addEventListener('click', () => { keysPage -= 1; loadKeys(); });
    next.addEventListener('click', () => { keysPage += 1; loadKeys(); });
    keysPager.replaceChildren(prev, h('span', {}, `Page ${keysPage} of ${pages} (${plural(total, 'key', 'keys')})`), next);
    show(keysPager);
  }

  function keyItem(key) {
    const titleId = `key-title-${key.id}`;
    const itemError = h('div', { class: 'error', role: 'alert', hidden: true });
    const revoke = h('button', { type: 'button', class: 'revoke', 'aria-describedby': titleId }, 'Revoke');
    let disarmTimer = null;

    const disarm = () => {
      clearTimeout(disarmTimer);
      delete revoke.dataset.armed;
      revoke.classList.remove('armed');
      revoke.textContent = 'Revoke';
    };

    // Two steps instead of confirm(): the first click arms, the second revokes.
    revoke.addEventListener('click', async () => {
      if (!revoke.dataset.armed) {
        revoke.dataset.armed = '1';
        revoke.classList.add('armed');
        revoke.textContent = 'Confirm revoke';
        disarmTimer = setTimeout(disarm, 10000);
        return;
      }
      clearTimeout(disarmTimer);
      revoke.disabled = true;
      clearError(itemError);
      const result = await api(`/api/apikeys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      if (result.status === 401) {
        sessionEnded();
        return;
      }
      if (!result.ok) {
        revoke.disabled = false;
        disarm();
        showError(itemError, describeError(result));
        return;
      }
      focusElement($('#keys-title'));
      await loadKeys();
      setStatus(keysStatus, `The key “${key.title}” was revoked.`);
    });
    revoke.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && revoke.dataset.armed) disarm();
    });

    return h('li', {},
      h('div', { class: 'key-info' },
        h('p', {}, h('strong', { id: titleId }, key.title || '(untitled)'), ' ', h('code', {}, `${key.start || ''}…`)),
        h('p', { class: 'meta' },
          'Created ', timeElement(key.createdAt, formatDateTime(key.createdAt)),
          ' · ',
          key.lastUsedAt ? ['Last used ', timeElement(key.lastUsedAt, formatDateTime(key.lastUsedAt))] : 'Never used')),
      revoke,
      itemError);
  }

  keyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError(keyError);
    const title = keyTitle.value.trim();
    if (!title) {
      showError(keyError, 'Give the key a title, so that you can tell it from your other keys.');
      keyTitle.focus();
      return;
    }
    createKeyButton.disabled = true;
    const result = await api('/api/apikeys', { method: 'POST', json: { title } });
    createKeyButton.disabled = false;
    if (result.status === 401) {
      sessionEnded();
      return;
    }
    if (!result.ok || !result.data || typeof result.data.key !== 'string') {
      showError(keyError, describeError(result));
      return;
    }
    keyTitle.value = '';
    showNewKey(result.data);
    loadKeys();
  });

  /** The plaintext key, shown once, with a Copy button. */
  function showNewKey(created) {
    const value = h('code', { class: 'key-value' }, created.key);
    const copyStatus = h('p', { class: 'copy-status', 'aria-live': 'polite' });
    const copy = h('button', { type: 'button', class: 'copy' }, 'Copy');
    copy.addEventListener('click', async () => {
      try {
        if (!navigator.clipboard || typeof navigator.clipboard.writeText !== 'function') throw new Error('no clipboard');
        await navigator.clipboard.writeText(created.key);
        copyStatus.textContent = 'Copied to the clipboard.';
      } catch {
        // No clipboard access here: select the key so that it can be copied by hand.
        const range = document.createRange();
        range.selectNodeContents(value);
        const selection = window.getSelection();
        if (selection) {
          selection.removeAllRanges();
          selection.addRange(range);
        }
        copyStatus.textContent = 'Copying is not available here: the key is selected, copy it with Ctrl+C (⌘+C on a Mac).';
      }
    });
    newKeyBox.replaceChildren(
      h('p', {}, h('strong', {}, `New key “${created.title || ''}”.`), ' Copy it now: it will not be shown again.'),
      value,
      copy,
      copyStatus,
    );
    show(newKeyBox);
    focusElement(newKeyBox);
  }

  // ===================================================================
  // API docs view: fill in this server's address
  // ===================================================================

  for (const el of $$('.origin')) el.textContent = location.origin;

  // ===================================================================
  // Start
  // ===================================================================

  state.sessionReady = loadSession();
  showRoute(location.pathname, false);
  firstAccountShow = false; // later visits of /account ask the server again
})();

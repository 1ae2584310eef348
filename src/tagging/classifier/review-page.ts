/**
 * The review page's one document. It is a string, not files on disk, so the
 * page ships inside the build with nothing to copy or find at run time, and
 * it is self-contained (inline style and script, no framework, nothing from
 * another origin) so the strict Content-Security-Policy it is served with
 * (`connect-src 'self'`, `img-src 'self' blob:`) holds without exceptions.
 *
 * The script below is plain ES2020 with no backticks, `${` or backslashes:
 * it lives inside a TypeScript template literal, where those would be
 * interpolated or eaten.
 */

const STYLE = `
:root { color-scheme: light dark; --accent: #b0123a; --muted: #6b6b6b; --line: #d0d0d0; --bg2: rgba(127,127,127,.08); }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
main, #signin-form, #done { max-width: 72rem; margin: 0 auto; padding: 1rem; }
#status:not(:empty) { margin: .75rem auto 0; max-width: 72rem; padding: .6rem 1rem; border-left: 4px solid var(--accent); background: var(--bg2); }
#note { color: var(--muted); min-height: 1.45em; margin: 0 0 .5rem; }
#signin-form { display: grid; grid-template-columns: max-content minmax(12rem, 28rem); gap: .6rem 1rem; align-items: center; }
#signin-form button { grid-column: 2; justify-self: start; }
#signin-form p { grid-column: 1 / -1; color: var(--muted); margin: 0; }
input { font: inherit; padding: .35rem .5rem; }
button { font: inherit; padding: .4rem .8rem; cursor: pointer; border: 1px solid var(--line); border-radius: 6px; background: var(--bg2); color: inherit; }
button:disabled { opacity: .5; cursor: progress; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button.proposed { outline: 2px solid var(--accent); }
kbd { font: .8em ui-monospace, monospace; border: 1px solid currentColor; border-radius: 3px; padding: 0 .25em; opacity: .8; }
#task { display: grid; grid-template-columns: minmax(0, 1fr) minmax(18rem, 26rem); gap: 1.5rem; outline: none; }
@media (max-width: 50rem) { #task { grid-template-columns: 1fr; } }
figure { margin: 0; }
#image { display: block; width: 100%; max-height: 70vh; object-fit: contain; background: var(--bg2); min-height: 12rem; }
figcaption { margin-top: .4rem; color: var(--muted); }
#kind { margin: 0 0 .5rem; font-size: .9rem; }
#kind.audit { color: var(--accent); }
#proposed { font-size: 1.5rem; margin: 0 0 .25rem; }
#proposed .confidence { font-size: 1rem; color: var(--muted); margin-left: .5rem; }
#others { margin: 0 0 1rem; padding-left: 1.1rem; color: var(--muted); font-size: .9rem; }
#actions, #choices { display: flex; flex-wrap: wrap; gap: .5rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0 0; }
#help { color: var(--muted); font-size: .9rem; }
#progress { color: var(--muted); font-size: .9rem; }
[hidden] { display: none !important; }
`;

const BODY = `
<header>
  <h1>Rouge · tag review</h1>
  <span id="who"></span>
  <button id="signout" type="button" hidden>Sign out</button>
</header>
<div id="status" role="alert"></div>
<form id="signin-form" autocomplete="off" hidden>
  <label for="project">Project</label>
  <input id="project" name="project" required spellcheck="false">
  <label for="key">API key</label>
  <input id="key" name="key" type="password" required autocomplete="current-password">
  <button id="signin" type="submit" class="primary">Sign in</button>
  <p>The key stays in this tab only (session storage) and is sent to this server alone; closing the tab or signing out forgets it.</p>
</form>
<main id="review" hidden>
  <p id="note" role="status" aria-live="polite"></p>
  <section id="task" tabindex="-1" aria-labelledby="proposed-heading">
    <figure>
      <img id="image" alt="">
      <figcaption id="item"></figcaption>
    </figure>
    <div>
      <p id="kind"></p>
      <h2 id="proposed-heading" hidden>Proposed tags</h2>
      <p id="proposed"></p>
      <ul id="others"></ul>
      <div id="actions">
        <button id="accept" type="button" class="primary">Accept <kbd>Enter</kbd> <kbd>A</kbd></button>
        <button id="reject" type="button">Reject <kbd>R</kbd></button>
        <button id="skip" type="button">Skip <kbd>S</kbd> <kbd>&rarr;</kbd></button>
      </div>
      <fieldset>
        <legend>Correct the product class to</legend>
        <div id="choices"></div>
      </fieldset>
    </div>
  </section>
  <p id="help" hidden>Keys: <kbd>Enter</kbd> or <kbd>A</kbd> accept the proposed class; <kbd>1</kbd>&ndash;<kbd>9</kbd> correct it to that choice; <kbd>R</kbd> reject it (wrong, and none of the choices fits); <kbd>S</kbd> or <kbd>&rarr;</kbd> skip without deciding; <kbd>?</kbd> shows or hides this line. Keys do nothing while you type in a field.</p>
  <p id="progress"></p>
</main>
<section id="done" hidden>
  <h2>No pending tasks</h2>
  <p id="done-count"></p>
  <button id="again" type="button">Check again</button>
</section>
`;

const SCRIPT = `
'use strict';
(function () {
  var KEY = 'rouge.review.key';
  var PROJECT = 'rouge.review.project';
  var PAGE_SIZE = 50;
  var $ = function (id) { return document.getElementById(id); };
  var els = {
    form: $('signin-form'), key: $('key'), project: $('project'), signout: $('signout'), who: $('who'),
    status: $('status'), note: $('note'), review: $('review'), task: $('task'), image: $('image'), item: $('item'),
    kind: $('kind'), proposed: $('proposed'), others: $('others'), choices: $('choices'), accept: $('accept'),
    reject: $('reject'), skip: $('skip'), help: $('help'), progress: $('progress'), done: $('done'),
    doneCount: $('done-count'), again: $('again')
  };
  var state = { key: '', project: '', queue: [], pageToken: '', exhausted: false, current: null, decided: 0, busy: false, shown: '', prefetch: null, generation: 0 };

  function ApiError(status, message, reason) { this.status = status; this.message = message; this.reason = reason; }

  function setStatus(text) { els.status.textContent = text || ''; }
  function setNote(text) { els.note.textContent = text || ''; }
  function show(which) {
    els.form.hidden = which !== 'signin';
    els.review.hidden = which !== 'review';
    els.done.hidden = which !== 'done';
    els.signout.hidden = which === 'signin';
  }

  // Only same-origin paths get the key: a task's imageUri comes from the
  // server, and a key sent to any URL it names would leak if that were ever wrong.
  function sameOrigin(path) {
    try { return new URL(path, location.href).origin === location.origin; } catch (e) { return false; }
  }

  function api(method, path, body, raw) {
    if (!sameOrigin(path)) return Promise.reject(new ApiError(0, 'Refused to send the key to another origin: ' + path, 'CROSS_ORIGIN'));
    var headers = { 'Authorization': 'Bearer ' + state.key, 'Accept': 'application/json' };
    var init = { method: method, headers: headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      if (res.ok) return raw ? res : res.json();
      return res.text().then(function (text) {
        var err = null;
        try { err = JSON.parse(text).error; } catch (e) { err = null; }
        var reason = '';
        if (err && Array.isArray(err.details)) {
          for (var i = 0; i < err.details.length; i++) if (err.details[i] && err.details[i].reason) { reason = err.details[i].reason; break; }
        }
        throw new ApiError(res.status, (err && err.message) || ('The server answered HTTP ' + res.status + '.'), reason);
      });
    }, function (e) {
      throw new ApiError(0, 'Could not reach the server (' + (e && e.message ? e.message : 'network error') + ').', 'NETWORK');
    });
  }

  function base() { return '/v1/projects/' + encodeURIComponent(state.project) + '/tagging/reviewTasks'; }

  // A 401 or 403 means this key cannot review here (wrong, revoked, or no
  // binding on the project): asking again beats failing on every key press.
  function failed(e) {
    setStatus(e && e.message ? e.message : String(e));
    if (e && (e.status === 401 || e.status === 403)) signOut(true);
  }

  function signIn(key, project) {
    state.key = key;
    state.project = project;
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(PROJECT, project);
    // The project goes in the address so a reload or a shared link opens the same queue; the key never does.
    var url = new URL(location.href);
    url.searchParams.set('project', project);
    history.replaceState(null, '', url.pathname + url.search);
    els.who.textContent = 'Project ' + project;
    els.key.value = '';
    restart();
  }

  function signOut(keepStatus) {
    sessionStorage.removeItem(KEY);
    state.key = '';
    state.generation++;
    state.queue = [];
    state.current = null;
    dropPrefetch();
    showImage('');
    if (!keepStatus) setStatus('');
    setNote('');
    els.who.textContent = '';
    els.project.value = state.project;
    show('signin');
    (state.project ? els.key : els.project).focus();
  }

  function restart() {
    state.generation++;
    state.queue = [];
    state.pageToken = '';
    state.exhausted = false;
    state.current = null;
    dropPrefetch();
    next();
  }

  function loadPage() {
    var gen = state.generation;
    var q = '?state=pending&pageSize=' + PAGE_SIZE + (state.pageToken ? '&pageToken=' + encodeURIComponent(state.pageToken) : '');
    state.busy = true;
    return api('GET', base() + q).then(function (page) {
      if (gen !== state.generation) return;
      state.busy = false;
      state.queue = (page.reviewTasks || []).filter(function (t) { return t.state === 'pending'; });
      state.pageToken = page.nextPageToken || '';
      // A page can come back empty with a token (its tasks were all decided meanwhile): only no token ends the queue.
      if (!state.pageToken) state.exhausted = true;
      next();
    }, function (e) {
      if (gen !== state.generation) return;
      state.busy = false;
      failed(e);
    });
  }

  function next() {
    if (state.queue.length === 0) {
      if (!state.exhausted) { loadPage(); return; }
      state.current = null;
      showImage('');
      dropPrefetch();
      els.doneCount.textContent = 'You made ' + state.decided + (state.decided === 1 ? ' decision' : ' decisions') + ' this session.';
      show('done');
      els.again.focus();
      return;
    }
    render(state.queue.shift());
  }

  function pct(c) { return typeof c === 'number' ? Math.round(c * 100) + '%' : ''; }

  function render(task) {
    state.current = task;
    show('review');
    els.task.setAttribute('data-task-id', task.id);
    var title = task.itemTitle ? task.itemTitle + ' (item ' + task.itemId + ')' : 'Item ' + task.itemId;
    els.item.textContent = title;
    els.image.alt = 'Image of ' + (task.itemTitle || 'item ' + task.itemId);
    els.kind.className = task.kind === 'audit' ? 'audit' : '';
    els.kind.textContent = task.kind === 'audit'
      ? 'Audit: this tag was accepted automatically; a sample is checked so its precision is measured, not assumed.'
      : 'Uncertain: the model was not confident enough to tag this item on its own.';
    var tags = task.proposedTags || [];
    var cls = null;
    for (var i = 0; i < tags.length; i++) if (tags[i].name === 'product_class') { cls = tags[i]; break; }
    els.proposed.textContent = '';
    els.proposed.appendChild(document.createTextNode(cls ? cls.value : '(no product class proposed)'));
    if (cls && typeof cls.confidence === 'number') {
      var conf = document.createElement('span');
      conf.className = 'confidence';
      els.proposed.appendChild(document.createTextNode(' '));
      conf.textContent = pct(cls.confidence) + ' confident';
      els.proposed.appendChild(conf);
    }
    els.others.textContent = '';
    tags.forEach(function (t) {
      if (t.name === 'product_class') return;
      var li = document.createElement('li');
      li.textContent = t.name + ': ' + t.value + (typeof t.confidence === 'number' ? ' (' + pct(t.confidence) + ')' : '');
      els.others.appendChild(li);
    });
    els.choices.textContent = '';
    (task.choices || []).forEach(function (c, n) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('data-choice', c.label);
      b.title = c.productType + (c.googleProductCategory ? ' (Google category ' + c.googleProductCategory + ')' : '');
      // Only the first nine have a key; the rest are still a click away.
      if (n < 9) {
        var k = document.createElement('kbd');
        k.textContent = String(n + 1);
        b.appendChild(k);
        b.appendChild(document.createTextNode(' '));
      }
      b.appendChild(document.createTextNode(c.label));
      if (cls && c.label === cls.value) { b.className = 'proposed'; b.setAttribute('aria-current', 'true'); }
      b.addEventListener('click', function () { decide('correct', c.label); });
      els.choices.appendChild(b);
    });
    els.progress.textContent = state.decided + ' decided this session; ' + (state.queue.length + 1) + ' left in this page' + (state.exhausted ? '' : ' (more after it)') + '. Press ? for the keys.';
    setBusy(false);
    // Focus on the task, not on a button: Enter on a focused button would press that button instead of accepting.
    els.task.focus({ preventScroll: true });
    loadImage(task);
  }

  function fetchImage(task) {
    return api('GET', task.imageUri, undefined, true).then(function (res) {
      return res.blob();
    }).then(typed).then(function (blob) {
      return URL.createObjectURL(blob);
    });
  }

  // An image stored without its type comes back as application/octet-stream;
  // the blob gets the type its first bytes say, so the browser decodes it as an image.
  function typed(blob) {
    if (/^image[/]/.test(blob.type)) return blob;
    return blob.slice(0, 12).arrayBuffer().then(function (buf) {
      var b = new Uint8Array(buf);
      var hex = Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
      var type = hex.indexOf('89504e47') === 0 ? 'image/png'
        : hex.indexOf('ffd8ff') === 0 ? 'image/jpeg'
        : hex.indexOf('47494638') === 0 ? 'image/gif'
        : hex.indexOf('52494646') === 0 && hex.slice(16, 24) === '57454250' ? 'image/webp'
        : '';
      return type ? new Blob([blob], { type: type }) : blob;
    });
  }

  function dropPrefetch() {
    var p = state.prefetch;
    state.prefetch = null;
    if (p) p.url.then(function (u) { URL.revokeObjectURL(u); }, function () {});
  }

  function loadImage(task) {
    var gen = state.generation;
    var p = state.prefetch && state.prefetch.id === task.id ? state.prefetch.url : null;
    if (!p) { dropPrefetch(); p = fetchImage(task); } else { state.prefetch = null; }
    p.then(function (url) {
      if (gen !== state.generation || state.current !== task) { URL.revokeObjectURL(url); return; }
      showImage(url);
    }, function (e) {
      if (gen !== state.generation || state.current !== task) return;
      showImage('');
      els.image.alt = 'The image could not be loaded: ' + (e && e.message ? e.message : String(e));
      if (e && (e.status === 401 || e.status === 403)) failed(e);
      else setStatus('The image of item ' + task.itemId + ' could not be loaded: ' + (e && e.message ? e.message : String(e)) + ' Skip it with S.');
    });
    // The next image is fetched while this one is looked at, so a decision shows the next task at once.
    var upcoming = state.queue[0];
    if (upcoming) state.prefetch = { id: upcoming.id, url: fetchImage(upcoming) };
  }

  // Each image is a blob: URL holding its bytes; the one replaced is revoked so a long session does not keep every image in memory.
  function showImage(url) {
    var old = state.shown;
    state.shown = url;
    if (url) els.image.src = url; else els.image.removeAttribute('src');
    if (old && old !== url) URL.revokeObjectURL(old);
  }

  function setBusy(b) {
    state.busy = b;
    var buttons = els.review.querySelectorAll('#actions button, #choices button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = b;
  }

  function decide(decision, label) {
    var task = state.current;
    if (!task || state.busy) return;
    var body = { decision: decision };
    if (decision === 'correct') body.tags = [{ name: 'product_class', value: label }];
    var gen = state.generation;
    setBusy(true);
    api('POST', base() + '/' + encodeURIComponent(task.id) + ':resolve', body).then(function () {
      if (gen !== state.generation) return;
      state.decided++;
      setStatus('');
      setNote(describe(decision, label, task));
      next();
    }, function (e) {
      if (gen !== state.generation) return;
      if (e.status === 409) {
        // Someone else decided first; theirs stands, and there is nothing to retry.
        setStatus('');
        setNote('Item ' + task.itemId + ' was already decided by someone else; moved on.');
        next();
        return;
      }
      setBusy(false);
      failed(e);
    });
  }

  function describe(decision, label, task) {
    var what = decision === 'accept' ? 'Accepted' : decision === 'reject' ? 'Rejected' : 'Corrected to ' + label;
    return what + ': item ' + task.itemId + '.';
  }

  function skip() {
    if (!state.current || state.busy) return;
    setStatus('');
    setNote('Skipped item ' + state.current.itemId + '; it stays pending.');
    next();
  }

  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable)) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') { els.help.hidden = !els.help.hidden; e.preventDefault(); return; }
    if (els.review.hidden || !state.current) return;
    // A focused button keeps its own Enter and Space, as everywhere else.
    if (tag === 'button' && (e.key === 'Enter' || e.key === ' ')) return;
    // A held key repeats: it must not decide the tasks that come after the one it was meant for.
    if (e.repeat) return;
    var k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (k === 'Enter' || k === 'a') { e.preventDefault(); decide('accept'); return; }
    if (k === 'r') { e.preventDefault(); decide('reject'); return; }
    if (k === 's' || k === 'ArrowRight') { e.preventDefault(); skip(); return; }
    if (k >= '1' && k <= '9' && k.length === 1) {
      var choice = (state.current.choices || [])[Number(k) - 1];
      if (choice) { e.preventDefault(); decide('correct', choice.label); }
    }
  });

  els.form.addEventListener('submit', function (e) {
    e.preventDefault();
    var key = els.key.value.trim();
    var project = els.project.value.trim();
    if (!key || !project) { setStatus('Give both a project and an API key.'); return; }
    setStatus('');
    signIn(key, project);
  });
  els.signout.addEventListener('click', function () { signOut(false); });
  els.accept.addEventListener('click', function () { decide('accept'); });
  els.reject.addEventListener('click', function () { decide('reject'); });
  els.skip.addEventListener('click', skip);
  els.again.addEventListener('click', function () { setNote(''); restart(); });

  var fromUrl = new URLSearchParams(location.search).get('project') || '';
  state.project = fromUrl || sessionStorage.getItem(PROJECT) || '';
  els.project.value = state.project;
  var saved = sessionStorage.getItem(KEY);
  if (saved && state.project) signIn(saved, state.project); else signOut(true);
})();
`;

/**
 * The review page served at GET /review: a reviewer signs in with an API key
 * and a project, then sees one pending review task at a time (the image,
 * the proposed product class with its confidence, the other proposed tags,
 * the tagger's classes as numbered choices) and decides with one key: Enter
 * or A accepts, 1-9 corrects to a choice, R rejects, S skips. Decisions go
 * through the public API (POST .../reviewTasks/{id}:resolve), so they are
 * audited and become training data like any other.
 *
 * The key lives in sessionStorage (this tab only, never in the URL or
 * localStorage) and is sent only to this origin. The document is
 * self-contained, for a CSP of `default-src 'self'; img-src 'self' blob:;
 * style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'`.
 */
export function reviewPageHtml(): string {
  return PAGE;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tag review · Rouge</title>
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

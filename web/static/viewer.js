// The page viewer: zoom (buttons and + −), hits (← →), the first mark scrolled into view.
// A file, not inline script, so the Content-Security-Policy can forbid inline script.
// The page opens on a screen-sized rendition; zooming in past the width loads the full scan.
//
// ← / → go to the previous or next hit without a blank moment: the next page is fetched and
// its scan decoded while the current one stays on screen, and only then is the view swapped
// (the address bar follows). Anything unexpected falls back to an ordinary page load.
// So whatever binds to the page's elements lives in init(), which runs again after a swap.
let scale = 1;
let busy = false;
const scanEl = () => document.getElementById('scan');

function zoom(step) {
  const scan = scanEl();
  scale = step === 0 ? 1 : Math.min(4, Math.max(0.5, scale + step));
  document.getElementById('sheet').style.width = (scale * 100) + '%';
  if (scale > 1 && scan.dataset.full && scan.src.indexOf('?w=') !== -1) {
    scan.src = scan.dataset.full;
  }
}

function init() {
  scale = 1;
  document.querySelectorAll('[data-zoom]').forEach((b) => {
    b.addEventListener('click', () => zoom(parseFloat(b.dataset.zoom)));
  });
  ['prev-hit', 'next-hit'].forEach((id) => {
    const a = document.getElementById(id);
    if (a) a.addEventListener('click', (e) => { e.preventDefault(); go(a.href); });
  });
  // A copy with nothing ticked is answered here, beside the form, keeping what was chosen.
  const copyForm = document.getElementById('copy-form');
  if (copyForm) {
    copyForm.addEventListener('submit', (e) => {
      if (copyForm.querySelector('input[name=page_id]:checked')) return;
      e.preventDefault();
      const error = document.getElementById('copy-error');
      error.textContent = '请至少勾选一页';
      error.hidden = false;
    });
  }
  const first = document.querySelector('.hl');
  const scan = scanEl();
  const showMark = () => { if (first && scale === 1) first.scrollIntoView({block: 'center'}); };
  if (scan.complete) showMark(); else scan.addEventListener('load', showMark, {once: true});
  bindCorrections(scan);
}

// 著录: a click on a line of the recognised text — or on the scan where a line stands — opens
// the correction form for that line, with what it reads now to edit.
function bindCorrections(scan) {
  const form = document.getElementById('correct-form');
  if (!form) return;
  const chooseLine = (el) => {
    if (!el) return;
    document.querySelectorAll('.ocr-line.chosen').forEach((x) => x.classList.remove('chosen'));
    el.classList.add('chosen');
    document.getElementById('correct-line').value = el.dataset.line;
    document.getElementById('correct-original').textContent = '现读作：' + el.dataset.text;
    const value = document.getElementById('correct-value');
    value.value = el.dataset.text;
    form.hidden = false;
    value.focus();
  };
  document.querySelectorAll('.ocr-line').forEach((el) => {
    el.addEventListener('click', () => chooseLine(el));
  });
  const cancel = document.getElementById('correct-cancel');
  if (cancel) cancel.addEventListener('click', () => { form.hidden = true; });
  const sheet = document.getElementById('sheet');
  if (sheet) {
    sheet.addEventListener('click', (e) => {
      const w = parseFloat(scan.dataset.width), h = parseFloat(scan.dataset.height);
      if (!w || !h) return;
      const r = scan.getBoundingClientRect();
      const x = (e.clientX - r.left) * w / r.width, y = (e.clientY - r.top) * h / r.height;
      const hit = Array.from(document.querySelectorAll('.ocr-line[data-box]')).find((el) => {
        const b = el.dataset.box.split(',').map(Number);
        return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
      });
      if (hit) { chooseLine(hit); hit.scrollIntoView({block: 'nearest'}); }
    });
  }
}

async function go(href) {
  if (busy) return;
  busy = true;
  try {
    const res = await fetch(href, {credentials: 'same-origin'});
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const next = doc.getElementById('scan');
    const main = doc.querySelector('main');
    if (!res.ok || !next || !main) throw new Error('not a viewer page');
    const img = new Image();
    img.src = new URL(next.getAttribute('src'), res.url).href;
    await img.decode();  // the old scan stays on screen until this one can be painted
    document.querySelector('main').replaceWith(document.adoptNode(main));
    document.title = doc.title;
    history.pushState({viewer: true}, '', res.url);
    window.scrollTo(0, 0);
    init();
  } catch (err) {
    window.location = href;
  } finally {
    busy = false;
  }
}

window.addEventListener('popstate', () => window.location.reload());
document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const link = (id) => { const a = document.getElementById(id); if (a) go(a.href); };
  if (e.key === 'ArrowRight') link('next-hit');
  else if (e.key === 'ArrowLeft') link('prev-hit');
  else if (e.key === '+' || e.key === '=') zoom(0.25);
  else if (e.key === '-' || e.key === '_') zoom(-0.25);
  else return;
  e.preventDefault();
});
init();

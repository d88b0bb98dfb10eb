// The page viewer: zoom (buttons and + −), hits (← →), the first mark scrolled into view.
// A file, not inline script, so the Content-Security-Policy can forbid inline script.
// The page opens on a screen-sized rendition; zooming in past the width loads the full scan.
let scale = 1;
const scan = document.getElementById('scan');
function zoom(step) {
  scale = step === 0 ? 1 : Math.min(4, Math.max(0.5, scale + step));
  document.getElementById('sheet').style.width = (scale * 100) + '%';
  if (scale > 1 && scan.dataset.full && scan.src.indexOf('?w=') !== -1) {
    scan.src = scan.dataset.full;
  }
}
document.querySelectorAll('[data-zoom]').forEach((b) => {
  b.addEventListener('click', () => zoom(parseFloat(b.dataset.zoom)));
});
document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const go = (id) => { const a = document.getElementById(id); if (a) window.location = a.href; };
  if (e.key === 'ArrowRight') go('next-hit');
  else if (e.key === 'ArrowLeft') go('prev-hit');
  else if (e.key === '+' || e.key === '=') zoom(0.25);
  else if (e.key === '-' || e.key === '_') zoom(-0.25);
  else return;
  e.preventDefault();
});
const first = document.querySelector('.hl');
function showMark() { if (first && scale === 1) first.scrollIntoView({block: 'center'}); }
if (scan.complete) showMark(); else scan.addEventListener('load', showMark, {once: true});

// 著录: a click on a line of the recognised text — or on the scan where a line stands — opens
// the correction form for that line, with what it reads now to edit.
const form = document.getElementById('correct-form');
function chooseLine(el) {
  if (!form || !el) return;
  document.querySelectorAll('.ocr-line.chosen').forEach((x) => x.classList.remove('chosen'));
  el.classList.add('chosen');
  document.getElementById('correct-line').value = el.dataset.line;
  document.getElementById('correct-original').textContent = '现读作：' + el.dataset.text;
  const value = document.getElementById('correct-value');
  value.value = el.dataset.text;
  form.hidden = false;
  value.focus();
}
document.querySelectorAll('.ocr-line').forEach((el) => {
  el.addEventListener('click', () => chooseLine(el));
});
const cancel = document.getElementById('correct-cancel');
if (cancel) cancel.addEventListener('click', () => { form.hidden = true; });
const sheet = document.getElementById('sheet');
if (sheet && form) {
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

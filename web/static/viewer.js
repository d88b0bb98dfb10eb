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

// The page viewer: zoom buttons, back to the results, the first mark scrolled into view.
// A file, not inline script, so the Content-Security-Policy can forbid inline script.
let scale = 1;
function zoom(step) {
  scale = step === 0 ? 1 : Math.min(4, Math.max(0.5, scale + step));
  document.getElementById('sheet').style.width = (scale * 100) + '%';
}
document.querySelectorAll('[data-zoom]').forEach((b) => {
  b.addEventListener('click', () => zoom(parseFloat(b.dataset.zoom)));
});
const back = document.getElementById('back');
if (back) back.addEventListener('click', (e) => { e.preventDefault(); history.back(); });
const first = document.querySelector('.hl');
document.getElementById('scan').addEventListener('load', () => {
  if (first) first.scrollIntoView({block: 'center'});
});

// The request form: show the fields that concern the applicant type chosen (relationship
// for 亲属, power of attorney for 代理) and the address when the papers are to be posted.
// A file, not inline script (the Content-Security-Policy forbids inline script).
const form = document.querySelector('form[data-request-form]');
if (form) {
  const type = form.querySelector('select[name=applicant_type]');
  const delegated = form.querySelector('input[name=delegated]');
  const update = () => {
    form.querySelectorAll('[data-for]').forEach((el) => {
      const on = type.value === el.dataset.for;
      el.hidden = !on;
      el.querySelector('input').required = on;
    });
    form.querySelectorAll('[data-unless]').forEach((el) => {
      el.hidden = type.value === el.dataset.unless;
    });
    form.querySelectorAll('[data-delegated]').forEach((el) => {
      el.querySelector('input').required = delegated.checked;
    });
  };
  type.addEventListener('change', update);
  delegated.addEventListener('change', update);
  update();
}

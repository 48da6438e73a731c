// Demand signals from the page (Modules/Demand, ADR 0017): product views, searches with their result count, cart
// adds/removes, recommendation impressions and clicks. Batched, sent with sendBeacon (or a keepalive fetch) after the page
// is idle or as it is left — never in the way of the page. An anonymous session id lives in localStorage; no personal data.
(() => {
  if (window.__dotsDemand) return;
  window.__dotsDemand = true;
  // One anonymous session id for the whole site: the dots_sid cookie that personalization and search read too (the
  // server sets it on a guest's first page); made here when it is missing, and kept in localStorage as well.
  const cookieName = 'dots_sid';
  const fromCookie = () => (document.cookie.split('; ').find((c) => c.startsWith(cookieName + '=')) || '').slice(cookieName.length + 1);
  let sid = fromCookie();
  try {
    if (!sid) sid = localStorage.getItem('dots.sid') || '';
    if (!sid) sid = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/[^A-Za-z0-9-]/g, '');
    localStorage.setItem('dots.sid', sid);
  } catch { if (!sid) sid = 'nostore-' + Date.now(); }
  if (!fromCookie()) document.cookie = cookieName + '=' + sid + '; path=/; max-age=2592000; samesite=lax';
  const queue = [];
  let timer = 0;
  const send = () => {
    timer = 0;
    if (!queue.length) return;
    const body = JSON.stringify({ events: queue.splice(0, 100) });
    // Signed in, the sign-in cookie counts on an /api POST only with the page's antiforgery token (a header, which
    // sendBeacon cannot send): a keepalive fetch carries it and survives the page being left just the same.
    const token = (document.querySelector('meta[name="request-verification-token"]') || {}).content || '';
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.RequestVerificationToken = token;
    const ok = !token && navigator.sendBeacon && navigator.sendBeacon('/api/events', new Blob([body], { type: 'application/json' }));
    if (!ok) fetch('/api/events', { method: 'POST', body, keepalive: true, credentials: 'same-origin', headers }).catch(() => {});
    if (queue.length) schedule();
  };
  const schedule = () => { if (!timer) timer = setTimeout(send, 1500); };
  const emit = (e) => { e.sessionId = sid; e.at = new Date().toISOString(); queue.push(e); schedule(); };
  window.dotsDemand = { emit };

  const seen = new WeakSet();
  const scan = () => {
    document.querySelectorAll('[data-demand-view]').forEach((el) => {
      if (seen.has(el)) return; seen.add(el);
      emit({ type: 'view', productId: el.dataset.demandView });
    });
    document.querySelectorAll('[data-demand-search]').forEach((el) => {
      if (seen.has(el) || !el.dataset.demandSearch) return; seen.add(el);
      emit({ type: 'search', query: el.dataset.demandSearch, resultCount: parseInt(el.dataset.demandResults || '0', 10) });
    });
    document.querySelectorAll('[data-demand-rec]').forEach((el) => {
      if (seen.has(el)) return; seen.add(el);
      if (io) io.observe(el);
    });
  };
  const io = 'IntersectionObserver' in window ? new IntersectionObserver((entries) => {
    entries.forEach((en) => {
      if (en.isIntersecting) { io.unobserve(en.target); emit({ type: 'rec_impression', productId: en.target.dataset.demandRec }); }
    });
  }, { threshold: 0.5 }) : null;

  document.addEventListener('click', (ev) => {
    const rec = ev.target.closest && ev.target.closest('[data-demand-rec]');
    if (rec) { emit({ type: 'rec_click', productId: rec.dataset.demandRec }); send(); }
  }, true);
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (form.dataset.demandCart) {
      const data = new FormData(form);
      const q = parseInt(data.get('quantity') || '1', 10);
      emit({ type: 'cart_add', productId: form.dataset.demandCart, variantId: data.get('variantId') || undefined, quantity: q > 0 && q < 1000 ? q : 1 });
      send();
    } else if (form.dataset.demandCartRemove) {
      const data = new FormData(form);
      emit({ type: 'cart_remove', productId: form.dataset.demandCartRemove, variantId: data.get('variantId') || undefined });
      send();
    }
  }, true);
  // The first scan waits for an idle moment: signals are never in the way of the page becoming usable (Lighthouse's TBT).
  // A page left before that moment (a quick click through, a busy phone) is scanned as it goes, so its view still counts.
  let begun = false;
  const begin = () => {
    if (begun || !document.body) return;
    begun = true;
    scan();
    new MutationObserver(() => scan()).observe(document.body, { childList: true, subtree: true });
  };
  const leave = () => { begin(); send(); };
  addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') leave(); });
  const start = () => ('requestIdleCallback' in window ? requestIdleCallback(begin, { timeout: 2000 }) : setTimeout(begin, 200));
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
  // Blazor's enhanced navigation swaps the page without a load: scan again after each.
  document.addEventListener('enhancedload', scan);
})();

// Suggestions as you type in the storefront's search box (progressive enhancement: without this script the box is a
// plain GET form to /search). Listens on the document once, so it survives Blazor's enhanced navigation.
(() => {
  if (window.dotsSearchSuggest) return;
  window.dotsSearchSuggest = true;
  let timer = 0, controller = null, active = -1;

  const parts = () => {
    const input = document.getElementById('site-search');
    const form = input && input.closest('form[data-suggest]');
    const box = document.getElementById('site-search-suggest');
    return input && form && box ? { input, form, box } : null;
  };
  const korean = () => (document.documentElement.lang || '').startsWith('ko');
  const money = (p) => new Intl.NumberFormat(korean() ? 'ko-KR' : 'en-US', { style: 'currency', currency: p.currency, maximumFractionDigits: p.currency === 'KRW' ? 0 : 2 }).format(p.amount);

  function close(p) {
    if (!p) return;
    p.box.hidden = true;
    p.box.replaceChildren();
    p.input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function option(p, href, text, meta, kind) {
    const a = document.createElement('a');
    a.href = href;
    a.className = 'suggest-item suggest-' + kind;
    a.id = 'suggest-' + p.box.children.length + '-' + Math.random().toString(36).slice(2, 7);
    a.setAttribute('role', 'option');
    const t = document.createElement('span');
    t.className = 'suggest-text';
    t.textContent = text;
    a.append(t);
    if (meta) {
      const m = document.createElement('span');
      m.className = 'suggest-meta';
      m.textContent = meta;
      a.append(m);
    }
    return a;
  }

  function heading(text) {
    const h = document.createElement('div');
    h.className = 'suggest-heading';
    h.setAttribute('role', 'presentation');
    h.textContent = text;
    return h;
  }

  function render(p, data) {
    const ko = korean();
    const d = p.form.dataset;
    const items = [];
    if (data.didYouMean) {
      items.push(heading(d.labelDidyoumean));
      items.push(option(p, '/search?q=' + encodeURIComponent(data.didYouMean), data.didYouMean, '', 'didyoumean'));
    }
    if (data.products.length) {
      items.push(heading(d.labelProducts));
      for (const x of data.products) items.push(option(p, '/products/' + encodeURIComponent(x.id), (ko && x.titleKo) || x.title, money(x.price), 'product'));
    }
    if (data.categories.length) {
      items.push(heading(d.labelCategories));
      for (const c of data.categories) items.push(option(p, '/search?category=' + encodeURIComponent(c.slug), ko ? c.nameKo : c.name, '', 'category'));
    }
    if (data.shops.length) {
      items.push(heading(d.labelShops));
      for (const s of data.shops) items.push(option(p, '/search?q=' + encodeURIComponent(s.name), s.name, '', 'shop'));
    }
    active = -1;
    p.box.replaceChildren(...items);
    p.box.hidden = items.length === 0;
  }

  async function fetchSuggestions() {
    const p = parts();
    if (!p) return;
    const q = p.input.value.trim();
    if (!q) { close(p); return; }
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const r = await fetch(p.form.dataset.suggest + '?q=' + encodeURIComponent(q), { signal: controller.signal, headers: { Accept: 'application/json' } });
      if (!r.ok) { close(p); return; }
      const data = await r.json();
      if (p.input.value.trim() === q) render(p, data);
    } catch (e) {
      if (e.name !== 'AbortError') close(p);
    }
  }

  function move(p, delta) {
    const options = [...p.box.querySelectorAll('[role=option]')];
    if (!options.length) return;
    active = (active + delta + options.length) % options.length;
    options.forEach((o, i) => o.setAttribute('aria-selected', i === active ? 'true' : 'false'));
    p.input.setAttribute('aria-activedescendant', options[active].id);
  }

  document.addEventListener('input', (e) => {
    if (e.target.id !== 'site-search') return;
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 120);
  });
  // Korean IMEs finish a syllable on compositionend; suggest on the finished text too.
  document.addEventListener('compositionend', (e) => {
    if (e.target.id !== 'site-search') return;
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 60);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target.id !== 'site-search') return;
    const p = parts();
    if (!p || p.box.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); move(p, 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); move(p, -1); }
    else if (e.key === 'Escape') { close(p); }
    else if (e.key === 'Enter' && active >= 0) {
      const o = p.box.querySelectorAll('[role=option]')[active];
      if (o) { e.preventDefault(); window.location.href = o.href; }
    }
  });
  document.addEventListener('focusout', (e) => {
    if (e.target.id !== 'site-search' && !(e.target.closest && e.target.closest('#site-search-suggest'))) return;
    setTimeout(() => {
      const p = parts();
      if (p && !p.form.contains(document.activeElement)) close(p);
    }, 150);
  });
})();

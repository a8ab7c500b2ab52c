// Display settings (大字号, 高对比度): loaded in <head> so the saved choice applies before first paint; the page works without it.
(() => {
  const root = document.documentElement;
  const SIZE_KEY = 'tongyuan:text-size';
  const CONTRAST_KEY = 'tongyuan:contrast';
  const SIZES = ['100', '125', '150'];

  // localStorage throws in some private modes; the settings then last for the page only.
  const read = (key) => {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const write = (key, value) => {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // nothing to keep the setting in
    }
  };

  const savedSize = read(SIZE_KEY);
  if (savedSize !== null && SIZES.includes(savedSize)) root.setAttribute('data-text-size', savedSize);
  if (read(CONTRAST_KEY) === 'high') root.setAttribute('data-contrast', 'high');

  const sync = (panel) => {
    const size = root.getAttribute('data-text-size') || '100';
    for (const button of panel.querySelectorAll('[data-text-size-option]')) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-text-size-option') === size));
    }
    for (const button of panel.querySelectorAll('[data-contrast-toggle]')) {
      button.setAttribute('aria-pressed', String(root.getAttribute('data-contrast') === 'high'));
    }
  };

  document.addEventListener('DOMContentLoaded', () => {
    const panel = document.querySelector('[data-display-settings]');
    if (panel === null) return;
    sync(panel);
    panel.hidden = false;
    panel.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      if (button === null) return;
      const size = button.getAttribute('data-text-size-option');
      if (size !== null && SIZES.includes(size)) {
        root.setAttribute('data-text-size', size);
        write(SIZE_KEY, size);
      } else if (button.hasAttribute('data-contrast-toggle')) {
        const contrast = root.getAttribute('data-contrast') === 'high' ? 'normal' : 'high';
        root.setAttribute('data-contrast', contrast);
        write(CONTRAST_KEY, contrast);
      }
      sync(panel);
    });
  });
})();

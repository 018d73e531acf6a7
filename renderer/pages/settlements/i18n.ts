// Words of the settlements page (namespace 'settlements').
export const messages = {
  zh: { title: 'settlements' },
  en: { title: 'settlements' },
};

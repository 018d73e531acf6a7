// Words of the products page (namespace 'products').
export const messages = {
  zh: { title: 'products' },
  en: { title: 'products' },
};

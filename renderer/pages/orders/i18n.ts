// Words of the orders page (namespace 'orders').
export const messages = {
  zh: { title: 'orders' },
  en: { title: 'orders' },
};

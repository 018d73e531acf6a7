// Words of the groups page (namespace 'groups').
export const messages = {
  zh: { title: 'groups' },
  en: { title: 'groups' },
};

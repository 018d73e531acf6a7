// Words of the agents page (namespace 'agents').
export const messages = {
  zh: { title: 'agents' },
  en: { title: 'agents' },
};

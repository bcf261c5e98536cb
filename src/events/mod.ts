// placeholder: filled by the events work
export {};

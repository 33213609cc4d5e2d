// The fold-in math lives with the serving code (src/ never imports training/); training uses the same function.
export * from '../../src/embedding/ials-foldin.js';

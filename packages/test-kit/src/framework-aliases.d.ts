// Express 4 and Koa 2 are installed under npm aliases (`express4`, `koa2`) so tests can run them
// beside Express 5 and Koa 3. Neither ships types; they share @types/express's and @types/koa's
// shapes for everything the tests use.
declare module 'express4' {
  import express from 'express';
  export default express;
}

declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}

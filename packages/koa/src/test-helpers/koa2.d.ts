// Koa 2 is installed under the npm alias `koa2`; it shares @types/koa's shapes.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}

// test stand-in for the browser client, served by the bridge as /grpcws.js

package dev.accord.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server's own Netty event loops, stopped as soon as the server has terminated. gRPC's
 * shared default loops are released only a second after their last server, and a JVM exiting with a
 * thread still waiting in epoll waits for it: that made the process linger after "stopped".
 */
final class ServerEventLoops implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private ServerEventLoops(EventLoopGroup boss, EventLoopGroup workers) {
    this.boss = boss;
    this.workers = workers;
  }

  /** Gives {@code transport} loops of its own (epoll where Netty has it, as gRPC would pick). */
  static ServerEventLoops installOn(NettyServerBuilder transport) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("accord-boss", true), handlers);
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            0, new DefaultThreadFactory("accord-netty", true), handlers);
    transport.bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelType(channel);
    return new ServerEventLoops(boss, workers);
  }

  /** Stops both loops at once (the server has no connections left) and waits for their threads. */
  @Override
  public void close() {
    var bossDone = boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    var workersDone = workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    bossDone.awaitUninterruptibly(2, TimeUnit.SECONDS);
    workersDone.awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}

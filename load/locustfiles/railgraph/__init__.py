"""What Railgraph's load scenarios share: a GraphQL client, the documents, the network, the SLOs."""

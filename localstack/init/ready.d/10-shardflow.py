"""LocalStack READY hook: create shardflow's resources from the generated document.

LocalStack runs .py init hooks inside its own Python interpreter (boto3 is available).
The resource list is `shardflow-resources.json` beside this file, generated from
core/resources.ts by `npm run gen:resources` — the same source the embedded local cloud
and the CDK app use. Every step is idempotent: existing resources are left as they are.
"""
import json
import os
import time

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
ENDPOINT = os.environ.get("SHARDFLOW_INIT_ENDPOINT", "http://localhost:4566")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/shardflow-firehose"


def client(service):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def main():
    with open(os.path.join(HERE, "shardflow-resources.json"), encoding="utf-8") as f:
        res = json.load(f)
    kinesis, dynamodb, s3, firehose = (client(s) for s in ("kinesis", "dynamodb", "s3", "firehose"))

    for stream in res["streams"]:
        try:
            kinesis.create_stream(StreamName=stream["name"], ShardCount=stream["shardCount"])
        except kinesis.exceptions.ResourceInUseException:
            pass
        kinesis.get_waiter("stream_exists").wait(StreamName=stream["name"])

    for table in res["tables"]:
        keys = [{"AttributeName": table["partitionKey"], "KeyType": "HASH"}]
        attrs = [{"AttributeName": table["partitionKey"], "AttributeType": "S"}]
        if table.get("sortKey"):
            keys.append({"AttributeName": table["sortKey"], "KeyType": "RANGE"})
            attrs.append({"AttributeName": table["sortKey"], "AttributeType": "S"})
        try:
            dynamodb.create_table(
                TableName=table["name"],
                KeySchema=keys,
                AttributeDefinitions=attrs,
                BillingMode="PAY_PER_REQUEST",
            )
        except dynamodb.exceptions.ResourceInUseException:
            pass
        dynamodb.get_waiter("table_exists").wait(TableName=table["name"])
        if table.get("ttlAttribute"):
            dynamodb.update_time_to_live(
                TableName=table["name"],
                TimeToLiveSpecification={"AttributeName": table["ttlAttribute"], "Enabled": True},
            )

    for bucket in res["buckets"]:
        try:
            s3.create_bucket(Bucket=bucket)
        except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
            pass

    bucket_arn = f"arn:aws:s3:::{res['buckets'][0]}"
    for ds in res["deliveryStreams"]:
        destination = {
            "RoleARN": ROLE,
            "BucketARN": bucket_arn,
            "Prefix": ds["prefix"],
            "ErrorOutputPrefix": ds["errorOutputPrefix"],
            "BufferingHints": {"IntervalInSeconds": ds["bufferingSeconds"], "SizeInMBs": ds["bufferingMiB"]},
            "CompressionFormat": "GZIP" if ds["gzip"] else "UNCOMPRESSED",
        }
        args = {"DeliveryStreamName": ds["name"], "ExtendedS3DestinationConfiguration": destination}
        if ds.get("sourceStream"):
            args["DeliveryStreamType"] = "KinesisStreamAsSource"
            args["KinesisStreamSourceConfiguration"] = {
                "KinesisStreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{ds['sourceStream']}",
                "RoleARN": ROLE,
            }
        else:
            args["DeliveryStreamType"] = "DirectPut"
        try:
            firehose.create_delivery_stream(**args)
        except firehose.exceptions.ResourceInUseException:
            pass

    print("shardflow: resources ready", flush=True)


main()
